# A TaskGroup where one child raises (CPython docs, "Task Groups"): the failure at 0.05 s
# cancels the siblings still running; the group raises an ExceptionGroup.
import asyncio


async def work(delay, result):
    await asyncio.sleep(delay)
    return result


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("Failed to process item 2")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(work(0.2, 1), name="item 1")
            tg.create_task(fail(0.05), name="item 2")
            tg.create_task(work(0.3, 3), name="item 3")
    except* ValueError as eg:
        print("caught:", [str(e) for e in eg.exceptions])


asyncio.run(main())
