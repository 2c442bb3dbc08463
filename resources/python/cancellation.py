# Cancellation: a task is cancelled, its cleanup runs, and it re-raises.
import asyncio

DURATION = 10     # loopscope: 0.1..30 seconds the task would sleep
CANCEL_AFTER = 1  # loopscope: 0.0..30 seconds before main cancels it


async def cancellable_task():
    try:
        await asyncio.sleep(DURATION)  # [sleep]
    except asyncio.CancelledError:
        print("Task was cancelled, cleaning up...")
        # Perform cleanup here.
        raise  # re-raise to propagate cancellation


async def main():
    task = asyncio.create_task(cancellable_task(), name="cancellable_task")
    await asyncio.sleep(CANCEL_AFTER)  # [cancel-after]
    task.cancel()
    try:
        await task  # [await-task]
        print("The task finished before it was cancelled")
    except asyncio.CancelledError:
        print("main: the task is cancelled")


if __name__ == "__main__":
    asyncio.run(main())
