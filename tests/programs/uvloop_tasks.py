# The default loop replaced by uvloop (python3-uvloop): tasks and their outcomes are traced.
import asyncio

import uvloop


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def main():
    hello = asyncio.create_task(say_after(0.1, 'hello'), name='hello')
    world = asyncio.create_task(say_after(0.2, 'world'), name='world')
    await hello
    await world


uvloop.install()
asyncio.run(main())
