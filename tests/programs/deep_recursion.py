"""A program that recurses deeply (a raised recursion limit) in a task step: 3.11 runs such
Python calls without C stack of their own, and the tracer's eval hook must not make it run out
of C stack; the coroutines it awaits around it are units as usual."""
import asyncio
import sys

sys.setrecursionlimit(100_000)


def depth(n):
    return 0 if n == 0 else depth(n - 1) + 1


async def leaf(i):
    await asyncio.sleep(0.01)
    return i


async def main():
    total = await leaf(1)
    total += depth(60_000)
    total += await leaf(2)
    print(total)


asyncio.run(main())
