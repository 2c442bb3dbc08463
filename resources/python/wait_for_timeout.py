# asyncio.wait_for: give up after a timeout; the slow operation is cancelled.
import asyncio

try:  # Loopscope's reference harness names inline units on the timeline with traced(label, coro)
    from loopscope_ref import traced
except ImportError:  # run on its own: traced() hands the coroutine back unchanged
    def traced(label, awaitable):
        return awaitable

DURATION = 10  # seconds slow_operation would take
TIMEOUT = 2    # seconds before giving up on it


async def slow_operation(duration: float) -> str:
    await asyncio.sleep(duration)  # [sleep]
    return "Completed"


async def main():
    try:
        # wait_for runs slow_operation as a task of its own and cancels it at the deadline.
        result = await asyncio.wait_for(traced("slow_operation", slow_operation(DURATION)),  # [wait-for]
                                        timeout=TIMEOUT)
        print(result)
    except asyncio.TimeoutError:
        print("Operation timed out")


if __name__ == "__main__":
    asyncio.run(main())
