# asyncio.Queue with workers (the CPython documentation's example): random sleeps go into a
# queue, workers take them one by one, main joins the queue and then cancels the workers.
import asyncio
import random
import time

ITEMS = 20         # loopscope: 1..200 sleeps are put in the queue
WORKERS = 3        # loopscope: 1..20 worker tasks take items
MIN_DELAY = 0.05   # loopscope: 0.0..10 s  sleeps are drawn uniformly from MIN_DELAY...
MAX_DELAY = 1      # loopscope: 0.0..10 s  ...to MAX_DELAY seconds
SEED = 1           # random.seed: the same seed gives the same sleeps
MAXSIZE = 0        # loopscope: 0..100 items at most (0: unbounded); a bound makes main queue on put
PRODUCE_EVERY = 0  # loopscope: 0.0..5 s  between puts (0: all items put at once)


async def worker(name, queue):
    while True:
        # Get a "work item" out of the queue.
        sleep_for = await queue.get()  # [get]
        # Sleep for the "sleep_for" seconds.
        await asyncio.sleep(sleep_for)  # [sleep]
        # Notify the queue that the "work item" has been processed.
        queue.task_done()
        print(f"{name} has slept for {sleep_for:.2f} seconds")


async def main():
    # Create a queue that we will use to store our "workload".
    queue = asyncio.Queue(MAXSIZE)
    # Create worker tasks to process the queue concurrently (before the puts: a bounded
    # queue needs them taking items, or main would wait on a full queue forever).
    tasks = []
    for i in range(WORKERS):
        task = asyncio.create_task(worker(f"worker-{i}", queue), name=f"worker-{i}")
        tasks.append(task)
    # Generate random timings and put them into the queue.
    random.seed(SEED)
    total_sleep_time = 0
    for i in range(ITEMS):
        sleep_for = random.uniform(MIN_DELAY, MAX_DELAY)
        total_sleep_time += sleep_for
        if PRODUCE_EVERY > 0 and i > 0:
            await asyncio.sleep(PRODUCE_EVERY)  # [produce]
        await queue.put(sleep_for)  # [put]
    # Wait until the queue is fully processed.
    started_at = time.monotonic()
    await queue.join()  # [join]
    total_slept_for = time.monotonic() - started_at
    # Cancel our worker tasks and wait until they are cancelled.
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # [gather]
    print("====")
    print(f"{WORKERS} workers slept in parallel for {total_slept_for:.2f} seconds")
    print(f"total expected sleep time: {total_sleep_time:.2f} seconds")


if __name__ == "__main__":
    asyncio.run(main())
