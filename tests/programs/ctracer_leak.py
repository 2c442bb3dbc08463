"""For ctracer_compare.py: the blocks Python has allocated grow by no more than a few hundred
over 20 000 inline awaits (with str, int and object arguments) and 2 000 tasks of two steps
each, traced: a reference the C hot paths leak per await or per step would show as 20 000 or
4 000 blocks. Prints the growth."""
import asyncio
import gc
import sys


class Thing:
    pass


async def value_of(i, text, thing):
    return i


async def child(i):
    await asyncio.sleep(0)
    return await value_of(i, "x", None)


async def phase(awaits, tasks):
    thing = Thing()
    total = 0
    for i in range(awaits):
        total += await value_of(i, "item %d" % (i % 7), thing)
    await asyncio.gather(*[asyncio.create_task(child(i)) for i in range(tasks)])
    return total


def settled():
    tracer = sys.modules.get("_loopscope_tracer")
    if tracer is not None:
        tracer._flush()  # the lines written so far leave the buffer
    gc.collect()
    return sys.getallocatedblocks()


async def main():
    await phase(5000, 500)
    before = settled()
    await phase(20000, 2000)
    print("blocks grew by", settled() - before)


asyncio.run(main())
