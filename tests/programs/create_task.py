# create_task (CPython docs, "Tasks"): the two say_after run concurrently: 0.2 s, not 0.3 s.
import asyncio


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def main():
    task1 = asyncio.create_task(say_after(0.1, 'hello'))
    task2 = asyncio.create_task(say_after(0.2, 'world'), name='world')
    await task1
    await task2


asyncio.run(main())
