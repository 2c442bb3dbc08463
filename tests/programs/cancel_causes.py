# Why each task was cancelled: an explicit cancel() of a task awaiting a gather (whose children
# the gather cancels), and a task still running when asyncio.run's main returns.
import asyncio


async def sleeper(delay):
    await asyncio.sleep(delay)


async def waiter(group):
    await group


async def main():
    asyncio.create_task(sleeper(10), name="left over")
    group = asyncio.gather(sleeper(1), sleeper(2))
    outer = asyncio.create_task(waiter(group), name="outer")
    await asyncio.sleep(0.05)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("outer cancelled")


asyncio.run(main())
