# asyncio.Lock: an await inside a critical section, with and without the lock.
import asyncio

TASKS = 4     # loopscope: 1..50 tasks deposit 100 each
HOLD = 0.5    # loopscope: 0.0..5 seconds each task awaits between its read and its write
USE_LOCK = 1  # loopscope: 0..1 lock used: 1: async with lock; 0: no lock, updates are lost

balance = 0


async def deposit(lock: asyncio.Lock | None):
    global balance
    if lock:
        async with lock:  # [lock]
            current = balance
            await asyncio.sleep(HOLD)  # an await inside the critical section [sleep-locked]
            balance = current + 100
    else:
        current = balance
        await asyncio.sleep(HOLD)  # the others read the same balance meanwhile [sleep-unlocked]
        balance = current + 100


async def main():
    lock = asyncio.Lock() if USE_LOCK else None
    tasks = [asyncio.create_task(deposit(lock), name=f"task {i}") for i in range(1, TASKS + 1)]
    await asyncio.gather(*tasks)  # [gather]
    print(f"balance: {balance} (expected {100 * TASKS})")


if __name__ == "__main__":
    asyncio.run(main())
