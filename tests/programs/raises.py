# An exception out of main: the traceback and exit status 1 are those of CPython.
import asyncio


async def process(item):
    await asyncio.sleep(0.05)
    raise ValueError(f"Failed to process item {item}")


async def main():
    print("processing")
    await process(5)


asyncio.run(main())
