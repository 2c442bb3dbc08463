# Two threads, each running its own event loop with asyncio.run: each loop's tasks sleep on
# their own timers, at the same time.
import asyncio
import threading


async def tick(name, delay):
    await asyncio.sleep(delay)
    return name


async def main(name, delay):
    results = await asyncio.gather(tick(name + '.a', delay), tick(name + '.b', 2 * delay))
    print(name, results)


threads = [threading.Thread(target=asyncio.run, args=(main(name, delay),))
           for name, delay in (('left', 0.05), ('right', 0.1))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print('both loops done')
