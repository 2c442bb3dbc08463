# Async generators consumed with `async for` (PEP 525's ticker): each step the consumer asks
# for is a unit of its own. ticker: steps at 0, 0.1, 0.2 s and its end at 0.3 s; pages: a
# first step at 0.3 s, then one that raises at 0.4 s; a ticker left after two steps (at 0.4
# and 0.5 s) and closed at 0.5 s.
import asyncio


async def ticker(delay, to):
    """Yield numbers from 0 to *to* every *delay* seconds."""
    for i in range(to):
        yield i
        await asyncio.sleep(delay)


async def pages():
    yield "page 1"
    await asyncio.sleep(0.1)
    raise ValueError("page 2 is missing")


async def main():
    async for i in ticker(0.1, 3):
        print(i)
    try:
        async for page in pages():
            print(page)
    except ValueError as e:
        print(f"stopped: {e}")
    numbers = ticker(0.1, 10)
    async for i in numbers:
        if i == 1:
            break
    await numbers.aclose()


asyncio.run(main())
