# Semaphore(2): five 0.1 s requests go through in waves at 0, 0.1 and 0.2 s.
import asyncio

LIMIT = 2  # loopscope: 1..10


async def request(sem, n):
    async with sem:
        await asyncio.sleep(0.1)
        return n


async def main():
    sem = asyncio.Semaphore(LIMIT)
    results = await asyncio.gather(*(asyncio.create_task(request(sem, n), name=f"req{n}")
                                     for n in range(1, 6)))
    print(results)


asyncio.run(main())
