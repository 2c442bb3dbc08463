# asyncio.TaskGroup (Python 3.11+): the first error cancels the siblings still pending.
import asyncio

ITEMS = 7      # loopscope: 1..50 items are processed concurrently
DELAY = 0.5    # loopscope: 0.0..10 seconds item 1 takes
STAGGER = 0    # loopscope: 0.0..2 s  item i takes DELAY + STAGGER * (i - 1)
FAIL_ITEM = 5  # loopscope: 0..50 item raises ValueError (0: none)


async def process_item(item_id: int, delay: float) -> dict:
    await asyncio.sleep(delay)  # simulate processing [sleep]
    if item_id == FAIL_ITEM:
        raise ValueError(f"Failed to process item {item_id}")
    return {"id": item_id, "status": "processed"}


async def main():
    results = []
    try:
        async with asyncio.TaskGroup() as tg:  # [task-group]
            tasks = [
                tg.create_task(process_item(i, DELAY + STAGGER * (i - 1)), name=f"item {i}")
                for i in range(1, ITEMS + 1)
            ]
        # The end of the async with block waits for every task.
        results = [task.result() for task in tasks]
    except* ValueError as eg:
        print(f"Errors occurred: {'; '.join(f'ValueError: {e}' for e in eg.exceptions)}")
    print(f"Processed: {len(results)} items")


if __name__ == "__main__":
    asyncio.run(main())
