# asyncio.timeout (CPython docs, "Timeouts"): the long operation is cut after 0.1 s, inline
# and then as a task of its own.
import asyncio


async def long_running_task():
    await asyncio.sleep(10)


async def main():
    try:
        async with asyncio.timeout(0.1):
            await long_running_task()
    except TimeoutError:
        print("The long operation timed out, but we've handled it.")
    try:
        async with asyncio.timeout(0.1):
            await asyncio.create_task(long_running_task(), name="slow task")
    except TimeoutError:
        print("The task timed out too.")


asyncio.run(main())
