# Queue with 3 workers (CPython docs, "Queues"): six jobs shared by three workers, which are
# cancelled once the queue is joined. Worker k takes jobs in FIFO order.
import asyncio

JOBS = [0.05, 0.15, 0.25, 0.11, 0.2, 0.12]  # no two workers wake at the same instant


async def worker(name, queue):
    while True:
        sleep_for = await queue.get()
        await asyncio.sleep(sleep_for)
        queue.task_done()
        print(f'{name} has slept for {sleep_for:.2f} seconds')


async def main():
    queue = asyncio.Queue()
    for sleep_for in JOBS:
        queue.put_nowait(sleep_for)
    tasks = []
    for i in range(3):
        tasks.append(asyncio.create_task(worker(f'worker-{i}', queue), name=f'worker-{i}'))
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print('done')


asyncio.run(main())
