# asyncio.wait_for: give up after a timeout; the slow operation is cancelled.
import asyncio

DURATION = 10  # loopscope: 0.1..30 seconds slow_operation would take
TIMEOUT = 2    # loopscope: 0.1..30 seconds before giving up on it


async def slow_operation(duration: float) -> str:
    await asyncio.sleep(duration)  # [sleep]
    return "Completed"


async def main():
    try:
        # wait_for runs slow_operation as a task of its own and cancels it at the deadline.
        result = await asyncio.wait_for(slow_operation(DURATION), timeout=TIMEOUT)  # [wait-for]
        print(result)
    except asyncio.TimeoutError:
        print("Operation timed out")


if __name__ == "__main__":
    asyncio.run(main())
