# gather of three factorials (CPython docs, "Running Tasks Concurrently"): A takes one step,
# B two, C three; each step sleeps DELAY, so the whole takes 3 x DELAY.
import asyncio

DELAY = 0.1  # loopscope: 0..5 s


async def factorial(name, number):
    f = 1
    for i in range(2, number + 1):
        print(f"Task {name}: Compute factorial({number}), currently i={i}...")
        await asyncio.sleep(DELAY)
        f *= i
    print(f"Task {name}: factorial({number}) = {f}")
    return f


async def main():
    L = await asyncio.gather(
        factorial("A", 2),
        factorial("B", 3),
        factorial("C", 4),
    )
    print(L)


asyncio.run(main())
