# Two threads, each running its own event loop, whose tasks are inside a step at the same time:
# a barrier lets both loops' steps start together, then pure-Python work makes the interpreter
# switch between the two threads mid-step while each creates a task and awaits a coroutine.
import asyncio
import threading

barrier = threading.Barrier(2)


def busy():
    x = 0
    for i in range(200_000):  # long enough for several switches between the threads
        x += i
    return x


async def leaf():
    await asyncio.sleep(0.02)


async def inner():
    busy()
    await asyncio.sleep(0.02)
    busy()


async def spawn(name):
    barrier.wait(timeout=10)  # both loops are in a step from here on
    busy()
    child = asyncio.create_task(leaf(), name=name + ' leaf')
    busy()
    await inner()
    await child


async def main(side):
    await asyncio.gather(*(asyncio.create_task(spawn(f'{side}.{k}'), name=f'{side}.{k}')
                           for k in range(2)))


threads = [threading.Thread(target=asyncio.run, args=(main(side),)) for side in ('left', 'right')]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print('both loops done')
