# Two threads with event loops of their own, the second one starting 0.05 s later: while the
# first loop only sleeps, the second is still to come, so a virtual clock must not jump.
import asyncio
import threading
import time


async def tick(name, delay):
    await asyncio.sleep(delay)
    print(name, 'done')


def run(name, delay, after):
    time.sleep(after)  # not on a loop: real time, even under the virtual clock
    asyncio.run(tick(name, delay))


threads = [threading.Thread(target=run, args=('early', 0.2, 0)),
           threading.Thread(target=run, args=('late', 0.05, 0.05))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print('both loops done')
