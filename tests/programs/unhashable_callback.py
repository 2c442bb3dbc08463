# A callback whose owner cannot be hashed (a list's append): the tracer looks callbacks up by
# their owner to find task steps, and must not fail on this one.
import asyncio


async def main():
    out = []
    asyncio.get_running_loop().call_soon(out.append, 1)
    asyncio.get_running_loop().call_later(0.05, out.append, 2)
    await asyncio.sleep(0.1)
    print(out)


asyncio.run(main())
