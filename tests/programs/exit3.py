# sys.exit(3) from inside a coroutine: the process exits 3.
import asyncio
import sys


async def main():
    await asyncio.sleep(0.05)
    print("leaving with 3")
    sys.exit(3)


asyncio.run(main())
