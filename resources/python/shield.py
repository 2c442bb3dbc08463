# asyncio.shield: a timeout gives up waiting, but the shielded save goes on.
import asyncio
import time

SAVE_TIME = 2  # loopscope: 0.1..10 seconds save() takes
TIMEOUT = 1    # loopscope: 0.1..10 seconds main waits for it under wait_for

STARTED = time.perf_counter()


def now() -> str:
    """Seconds since the program started, like the scenario clock in Loopscope."""
    return f"{time.perf_counter() - STARTED:.2f} s"


async def save() -> str:
    await asyncio.sleep(SAVE_TIME)  # writing the file [sleep]
    print(f"saved at {now()}")
    return "saved"


async def main():
    task = asyncio.create_task(save(), name="save")
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=TIMEOUT)  # [wait-for]
    except TimeoutError:
        print(f"timed out at {now()}; the save goes on")
    result = await task  # [await-task]
    print(f"save finished: {result} at {now()}")


if __name__ == "__main__":
    asyncio.run(main())
