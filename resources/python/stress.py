# Thousands of tasks on one thread: random delays, optionally through a semaphore.
import asyncio
import random
import time

TASKS = 1000     # how many tasks are created
MIN_DELAY = 0.1  # delays are drawn uniformly from MIN_DELAY...
MAX_DELAY = 2    # ...to MAX_DELAY seconds
SEED = 1         # the same seed gives the same delays
LIMIT = 0        # semaphore permits (0: no semaphore)

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


async def work(delay: float, limit: asyncio.Semaphore | None):
    if limit:
        async with limit:  # [acquire]
            await asyncio.sleep(delay)  # [sleep-limited]
    else:
        await asyncio.sleep(delay)  # [sleep]


async def main():
    rng = random.Random(SEED)  # not the same sequence as Loopscope's mt19937_64
    high = max(MIN_DELAY, MAX_DELAY)
    limit = asyncio.Semaphore(LIMIT) if LIMIT > 0 else None
    tasks = [
        asyncio.create_task(work(rng.uniform(MIN_DELAY, high), limit), name=f"task {i}")
        for i in range(1, TASKS + 1)
    ]
    await asyncio.gather(*tasks)  # [gather]
    print(f"{TASKS} tasks done at {now()}")


if __name__ == "__main__":
    asyncio.run(main())
