# A blocking time.sleep inside a task: task 2 holds the loop for 0.2 s, so the other tasks'
# 0.1 s sleeps end late.
import asyncio
import time


async def job(n, block):
    await asyncio.sleep(0.05)
    if block:
        time.sleep(0.2)  # blocks the whole event loop
    await asyncio.sleep(0.1)
    print(f"job {n} done")


async def main():
    await asyncio.gather(*(asyncio.create_task(job(n, n == 2), name=f"job {n}")
                           for n in (1, 2, 3)))


asyncio.run(main())
