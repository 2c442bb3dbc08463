# asyncio.as_completed: handle results in the order they finish.
import asyncio

DELAY1 = 3  # loopscope: 0.1..10 seconds fetch 1 takes
DELAY2 = 1  # loopscope: 0.1..10 seconds fetch 2 takes
DELAY3 = 2  # loopscope: 0.1..10 seconds fetch 3 takes


async def fetch(name: str, delay: float) -> str:
    await asyncio.sleep(delay)  # [sleep]
    return name


async def main():
    tasks = [asyncio.create_task(fetch(f"fetch {i}", delay), name=f"fetch {i}")
             for i, delay in enumerate((DELAY1, DELAY2, DELAY3), 1)]
    for coro in asyncio.as_completed(tasks):
        result = await coro  # [next]
        print(f"got {result}")


if __name__ == "__main__":
    asyncio.run(main())
