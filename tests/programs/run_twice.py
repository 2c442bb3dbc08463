# asyncio.run twice: two event loops, one after the other, each with its own main.
import asyncio


async def main(n):
    await asyncio.sleep(0.05)
    print(f"run {n}")


asyncio.run(main(1))
asyncio.run(main(2))
