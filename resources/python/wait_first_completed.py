# asyncio.wait(..., return_when=FIRST_COMPLETED): use the first result, cancel the rest.
import asyncio

DELAY1 = 1  # loopscope: 0.1..10 seconds fetch 1 takes
DELAY2 = 2  # loopscope: 0.1..10 seconds fetch 2 takes
DELAY3 = 3  # loopscope: 0.1..10 seconds fetch 3 takes


async def fetch(name: str, delay: float) -> str:
    await asyncio.sleep(delay)  # [sleep]
    return name


async def main():
    tasks = [asyncio.create_task(fetch(f"fetch {i}", delay), name=f"fetch {i}")
             for i, delay in enumerate((DELAY1, DELAY2, DELAY3), 1)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)  # [wait]
    for task in done:
        print(f"first result: {task.result()}")
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)  # wait for the cancellations to land [gather]
    print(f"cancelled {len(pending)} pending")


if __name__ == "__main__":
    asyncio.run(main())
