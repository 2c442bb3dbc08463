# wait_for timing out (CPython docs, "Timeouts"): eternity() is cut after 0.1 s.
import asyncio


async def eternity():
    await asyncio.sleep(3600)
    print('yay!')


async def main():
    try:
        await asyncio.wait_for(eternity(), timeout=0.1)
    except TimeoutError:
        print('timeout!')


asyncio.run(main())
