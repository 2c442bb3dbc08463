"""A program with a trace function and a profile function of its own: traced, they see what they
see untraced (its coroutines' calls and returns, nothing of the tracer's), the profile function
stays set after the step that set it, and its tasks are recorded (inline units until it sets its
profile function: the tracer's profile hook would have been replaced by it)."""
import asyncio
import sys

traced = []
profiled = []


def tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_filename == __file__:
        traced.append(frame.f_code.co_name)
    return None


def profiler(frame, event, arg):
    if event in ("call", "return") and frame.f_code.co_filename == __file__:
        profiled.append("%s %s" % (event, frame.f_code.co_name))


async def leaf(i):
    await asyncio.sleep(0.01)
    return i


async def worker():
    return await leaf(10)


async def main():
    sys.settrace(tracer)
    total = await leaf(1)
    sys.settrace(None)
    total += await leaf(2)
    sys.setprofile(profiler)
    total += await leaf(3)
    total += await asyncio.create_task(worker())
    return total


total = asyncio.run(main())
still = sys.getprofile() is profiler
sys.setprofile(None)
print(total, still)
print(" ".join(traced))
print(" ".join(profiled))
