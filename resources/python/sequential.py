# Sequential execution: each await finishes before the next one starts.
import asyncio
import time

TASKS = 3  # loopscope: 1..10 coroutines main awaits in a row
DELAY = 2  # loopscope: 0.1..10 seconds each one sleeps

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


async def task(name: str, delay: float) -> str:
    print(f"{name} starting at {now()}")
    await asyncio.sleep(delay)  # [sleep]
    print(f"{name} completed at {now()}")
    return f"{name} result"


async def main():
    # Sequential execution: each task waits for the one before it (6 s with the defaults).
    for i in range(1, TASKS + 1):
        name = f"Task {i}"
        await task(name, DELAY)  # [task]


if __name__ == "__main__":
    asyncio.run(main())
