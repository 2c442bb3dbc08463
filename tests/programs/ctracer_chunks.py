"""For ctracer_compare.py: the C module's bytearrays of lines in the tracer's write buffer are
about as big as what they hold. Where the Python side's items (a semaphore's counters) come
between the C module's lines, each bytearray holds a line or two; started at 4 KiB each they
made a semaphore run keep 8 KB per task. Prints the worst ratio of bytes allocated to bytes
held seen while at least 4 KiB of lines waited, and how many such moments there were."""
import asyncio
import sys

worst = 0.0
seen = 0


def sample():
    global worst, seen
    tracer = sys.modules.get("_loopscope_tracer")
    if tracer is None:
        return
    chunks = [e for e in list(tracer._buf) if type(e) is bytearray]
    held = sum(len(c) for c in chunks)
    if held >= 4096:
        seen += 1
        worst = max(worst, sum(sys.getsizeof(c) for c in chunks) / held)


async def worker(sem):
    async with sem:
        await asyncio.sleep(0)
        sample()


async def main():
    sem = asyncio.Semaphore(10)
    await asyncio.gather(*[worker(sem) for _ in range(20000)])
    print("worst allocated/held %.1f over %d samples" % (worst, seen))


asyncio.run(main())
