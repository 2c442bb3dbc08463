# asyncio.to_thread (the CPython documentation's example): a blocking call on a thread while
# the loop sleeps: together 1 s, not 2.
import asyncio
import time

BLOCK = 1  # loopscope: 0.1..10 seconds blocking_io() sleeps its thread
SLEEP = 1  # loopscope: 0.1..10 seconds asyncio.sleep takes beside it

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


def blocking_io():
    # time.sleep() can be replaced with any blocking I/O operation, such as a file read.
    time.sleep(BLOCK)


async def main():
    print(f"started main at {now()}")
    await asyncio.gather(asyncio.to_thread(blocking_io), asyncio.sleep(SLEEP))  # [gather, sleep]
    print(f"finished main at {now()}")


if __name__ == "__main__":
    asyncio.run(main())
