# Event (CPython docs, "Synchronization Primitives"): the waiter wakes when main sets the
# event after 0.1 s.
import asyncio


async def waiter(event):
    print('waiting for it ...')
    await event.wait()
    print('... got it!')


async def main():
    event = asyncio.Event()
    waiter_task = asyncio.create_task(waiter(event))
    await asyncio.sleep(0.1)
    event.set()
    await waiter_task


asyncio.run(main())
