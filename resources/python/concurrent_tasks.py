# Concurrent execution with tasks: create_task schedules, gather waits for all.
import asyncio
import time

DELAY1 = 2  # loopscope: 0.0..10 seconds API-1 takes to answer
DELAY2 = 3  # loopscope: 0.0..10 seconds API-2 takes
DELAY3 = 1  # loopscope: 0.0..10 seconds API-3 takes

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


async def fetch_data(source: str, delay: float) -> str:
    print(f"Fetching from {source}...")
    await asyncio.sleep(delay)  # simulates an I/O operation [sleep]
    return f"Data from {source}"


async def main():
    # Create tasks: they are scheduled now and start on the next loop turn.
    task1 = asyncio.create_task(fetch_data("API-1", DELAY1), name="API-1")
    task2 = asyncio.create_task(fetch_data("API-2", DELAY2), name="API-2")
    task3 = asyncio.create_task(fetch_data("API-3", DELAY3), name="API-3")

    # Wait for all tasks to complete.
    results = await asyncio.gather(task1, task2, task3)  # [gather]

    print(f"Results: {', '.join(results)}")
    print(f"Total time: {now()}")  # the longest delay (3 s), not the sum (6 s)


if __name__ == "__main__":
    asyncio.run(main())
