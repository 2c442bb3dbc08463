# The default loop replaced by uvloop (python3-uvloop): tasks, their steps and their outcomes
# are traced; timers are uvloop's (libuv's clock, so the virtual clock falls back to real time).
import asyncio
import time

import uvloop


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def broken(delay):
    await asyncio.sleep(delay)
    raise ValueError('no luck')


async def spawner():
    nested = asyncio.create_task(say_after(0.05, 'nested'), name='nested')
    await nested


async def main():
    hello = asyncio.create_task(say_after(0.1, 'hello'), name='hello')
    world = asyncio.create_task(say_after(0.2, 'world'), name='world')
    oops = asyncio.create_task(broken(0.05))
    idle = asyncio.create_task(asyncio.sleep(float("inf")))  # never due
    await asyncio.create_task(spawner())
    await hello
    idle.cancel()
    await world
    try:
        await oops
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    before = loop.time()
    time.sleep(0.05)  # blocks the loop: for real even under --clock virtual (libuv's time)
    print('blocked', loop.time() - before >= 0.04)
    await say_after(0.1, 'inline')


uvloop.install()
asyncio.run(main())
