# to_thread (CPython docs, "Running in Threads"): a blocking 0.2 s call in a worker thread
# while the loop sleeps 0.1 s: 0.2 s in all.
import asyncio
import time


def blocking_io(what):
    print(f"start blocking_io {what}")
    time.sleep(0.2)
    print(f"blocking_io complete {what}")
    return what


async def main():
    await asyncio.gather(
        asyncio.to_thread(blocking_io, 'file'),
        asyncio.sleep(0.1))
    print("done")


asyncio.run(main())
