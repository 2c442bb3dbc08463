# asyncio.timeout (Python 3.11+): a deadline for a block of code.
import asyncio

DURATION = 10  # loopscope: 0.1..30 seconds slow_operation would take
TIMEOUT = 2    # loopscope: 0.1..30 seconds before giving up on it


async def slow_operation(duration: float) -> str:
    await asyncio.sleep(duration)  # [sleep]
    return "Completed"


async def main():
    try:
        # slow_operation runs inline in main: at the deadline main itself is cancelled,
        # and the timeout block turns that CancelledError into TimeoutError.
        async with asyncio.timeout(TIMEOUT):
            result = await slow_operation(DURATION)  # [timeout]
        print(result)
    except TimeoutError:
        print("Operation timed out")


if __name__ == "__main__":
    asyncio.run(main())
