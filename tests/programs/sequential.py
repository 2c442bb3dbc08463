# Sequential awaits (CPython docs, "Coroutines"): 0.1 s + 0.2 s one after the other = 0.3 s.
import asyncio


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def main():
    await say_after(0.1, 'hello')
    await say_after(0.2, 'world')


asyncio.run(main())
