# asyncio.Lock: four tasks take turns in a 0.1 s critical section.
import asyncio

balance = 0


async def deposit(lock):
    global balance
    async with lock:
        current = balance
        await asyncio.sleep(0.1)
        balance = current + 100


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(asyncio.create_task(deposit(lock), name=f"task {i}")
                           for i in range(1, 5)))
    print(f"balance: {balance}")


asyncio.run(main())
