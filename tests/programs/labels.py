# Inline coroutine and task labels from their arguments, each kind the tracer reads differently:
# ints (small, negative, beyond 64 bits), floats (as repr writes them), bool, str, None, an
# argument captured by a closure (a cell), keyword-only and default arguments, a method's self
# left out, *args and **kwargs, none at all.
# ctracer_compare.py compares the C module's labels with pure Python's.
import asyncio


async def plain(a, b, c):
    return a + b + c


async def captured(n):
    def inner():
        return n
    return inner()


async def keywords(a, *, k, d=7):
    return a + k + d


async def star(*args, **kwargs):
    return len(args) + len(kwargs)


async def nothing():
    return 0


async def mixed(flag, text, none):
    return flag


class Counter:
    async def add(self, step):
        return step


async def main():
    for _ in range(2):  # a code object's first call is labelled in Python, the next in C
        await plain(1, -20, 300)
        await plain(2**70, -(2**63), 2**63 - 1)
        await plain(2**60, -(2**60), -(2**30))
        await captured(5)
        await keywords(1, k=2)
        await keywords(1, k=2, d=-3)
        await star(1, 2, x=3)
        await nothing()
        await mixed(True, "a\tb", None)
        await Counter().add(4)
        await plain(*range(3))
        await plain(0.1, -0.0, 1e300)
        await plain(float("inf"), 1e-07, 0.30000000000000004)
        await asyncio.create_task(plain(2.5, 12345678.9, -1.5))


asyncio.run(main())
