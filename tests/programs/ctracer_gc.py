"""For ctracer_compare.py: the C module leaves a task's unit out of the garbage collector's walks
while the task runs (the tracer's _tunits keeps it alive anyway) and gives it back once the task
has ended, so that a cycle through a finished unit is collected as without us. Prints how many
of 200 tasks' units are tracked while they wait and after they ended."""
import asyncio
import gc
import sys


async def child(event):
    await event.wait()


async def main():
    tracer = sys.modules["_loopscope_tracer"]
    event = asyncio.Event()
    tasks = [asyncio.create_task(child(event)) for _ in range(200)]
    await asyncio.sleep(0)
    units = [tracer._tunits[t] for t in tasks]
    waiting = sum(gc.is_tracked(u) for u in units)
    event.set()
    await asyncio.gather(*tasks)
    print("units tracked: %d waiting, %d ended, of %d" % (
        waiting, sum(gc.is_tracked(u) for u in units), len(units)))


asyncio.run(main())
