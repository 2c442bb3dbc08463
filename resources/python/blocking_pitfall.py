# The blocking pitfall: time.sleep in async code stops the whole loop.
import asyncio
import time

DELAY = 1  # loopscope: 0.1..10 seconds each task awaits asyncio.sleep
BLOCK = 1  # loopscope: 0.0..10 seconds Task 3 blocks the loop with time.sleep

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


async def polite_task(name: str, delay: float):
    print(f"{name} starting at {now()}")
    await asyncio.sleep(delay)  # yields to the loop while it waits [sleep]
    print(f"{name} completed at {now()}")


async def blocking_task(name: str, delay: float, block: float):
    print(f"{name} starting at {now()}")
    await asyncio.sleep(delay / 2)  # [half-sleep]
    time.sleep(block)  # wrong in async code: nothing else runs meanwhile!
    print(f"{name} completed at {now()}")


async def main():
    tasks = [
        asyncio.create_task(polite_task("Task 1", DELAY), name="Task 1"),
        asyncio.create_task(polite_task("Task 2", DELAY), name="Task 2"),
        asyncio.create_task(blocking_task("Task 3", DELAY, BLOCK), name="Task 3"),
    ]
    await asyncio.gather(*tasks)  # [gather]
    print(f"Total time: {now()}")


if __name__ == "__main__":
    asyncio.run(main())
