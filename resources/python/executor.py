# run_in_executor: blocking and CPU-bound work on a thread pool.
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

WORKERS = 3          # loopscope: 1..8 threads in the pool (its max_workers)
IO_JOBS = 2          # loopscope: 0..8 calls of blocking_io_operation
IO_DURATION = 2      # loopscope: 0.1..10 seconds each blocking call sleeps its thread
CPU_N = 10_000_000   # n of cpu_intensive_task (0: no CPU job)


def blocking_io_operation(filename: str) -> str:
    """Simulates blocking I/O (a legacy library without async support)."""
    time.sleep(IO_DURATION)
    return f"Data from {filename}"


def cpu_intensive_task(n: int) -> int:
    """CPU-bound operation."""
    return sum(i * i for i in range(n))


async def main():
    loop = asyncio.get_running_loop()
    # Run the blocking calls in a thread pool, so the event loop stays free.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = [
            loop.run_in_executor(pool, blocking_io_operation, f"file{i}.txt")
            for i in range(1, IO_JOBS + 1)
        ]
        if CPU_N > 0:
            jobs.append(loop.run_in_executor(pool, cpu_intensive_task, CPU_N))
        results = await asyncio.gather(*jobs)  # [gather]
    print(results)


if __name__ == "__main__":
    asyncio.run(main())
