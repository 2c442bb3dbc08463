# asyncio.Event (the CPython documentation's example): waiters block until main sets it.
import asyncio

WAITERS = 1  # loopscope: 1..50 tasks wait for the event
DELAY = 1    # loopscope: 0.0..10 seconds before main sets the event


async def waiter(event):
    print("waiting for it ...")
    await event.wait()  # [wait]
    print("... got it!")


async def main():
    # Create an Event object.
    event = asyncio.Event()
    # Spawn Tasks to wait until 'event' is set.
    tasks = [asyncio.create_task(waiter(event), name=f"waiter {i}")
             for i in range(1, WAITERS + 1)]
    # Sleep for DELAY seconds and set the event.
    await asyncio.sleep(DELAY)  # [sleep]
    event.set()
    # Wait until the waiters are finished.
    await asyncio.gather(*tasks)  # [gather]


if __name__ == "__main__":
    asyncio.run(main())
