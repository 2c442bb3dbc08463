"""For ctracer_compare.py: with --tasks-only the C module keeps a task's root coroutine, not its
frame object, and reads where it waits from the coroutine, so the tasks' frame objects are not
made (untraced they never are: each is an object more per live task for the garbage collector
and a copy of the frame when the coroutine ends). Prints how many of 2000 waiting tasks have
one."""
import asyncio
import gc
import types


async def waiter(event):
    await event.wait()


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(waiter(event)) for _ in range(2000)]
    await asyncio.sleep(0)
    made = sum(any(type(r) is types.FrameType for r in gc.get_referents(t.get_coro()))
               for t in tasks)
    print("frame objects made: %d of %d" % (made, len(tasks)))
    event.set()
    await asyncio.gather(*tasks)


asyncio.run(main())
