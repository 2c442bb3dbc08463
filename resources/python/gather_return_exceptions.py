# asyncio.gather with return_exceptions: errors come back as values.
import asyncio

ITEMS = 7                # loopscope: 1..50 items are processed concurrently
DELAY = 0.5              # loopscope: 0.0..10 seconds item 1 takes
STAGGER = 0              # loopscope: 0.0..2 s  item i takes DELAY + STAGGER * (i - 1)
FAIL_ITEM = 5            # loopscope: 0..50 item raises ValueError (0: none)
RETURN_EXCEPTIONS = 1    # loopscope: 0..1 errors come back as values (0: gather fails fast)


async def process_item(item_id: int, delay: float) -> dict:
    await asyncio.sleep(delay)  # simulate processing [sleep]
    if item_id == FAIL_ITEM:
        raise ValueError(f"Failed to process item {item_id}")
    return {"id": item_id, "status": "processed"}


async def main():
    tasks = [
        asyncio.create_task(process_item(i, DELAY + STAGGER * (i - 1)), name=f"item {i}")
        for i in range(1, ITEMS + 1)
    ]
    if RETURN_EXCEPTIONS:
        results = await asyncio.gather(*tasks, return_exceptions=True)  # [gather]
        for i, result in enumerate(results, 1):
            if isinstance(result, Exception):
                print(f"Item {i} failed: {type(result).__name__}: {result}")
            else:
                print(f"Item {i}: {result}")
    else:
        try:
            await asyncio.gather(*tasks)  # fail fast: the first error is raised here [gather-fail-fast]
        except ValueError as e:
            print(f"gather raised ValueError: {e} (the other items keep running)")
    # When main returns, asyncio.run cancels the items that are still running.


if __name__ == "__main__":
    asyncio.run(main())
