# The forgotten await: get_data() without await only makes a coroutine object, which never
# runs; Python warns when it is destroyed.
import asyncio


async def get_data():
    await asyncio.sleep(0.05)
    return "data"


async def wrong():
    result = get_data()  # Wrong! Returns a coroutine object
    print(type(result).__name__)


async def correct():
    result = await get_data()  # Correct
    print(result)


async def main():
    await wrong()
    await correct()


asyncio.run(main())
