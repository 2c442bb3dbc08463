# The forgotten await: calling a coroutine function only creates a coroutine object.
import asyncio


async def get_data() -> str:
    await asyncio.sleep(0.5)  # e.g. a query [sleep]
    return "data"


async def wrong():
    result = get_data()  # Wrong! Returns a coroutine object
    print(result)  # <coroutine object get_data at 0x...>
    # ... and Python warns: RuntimeWarning: coroutine 'get_data' was never awaited


async def correct():
    result = await get_data()  # Correct [get-data]
    print(result)  # data


async def main():
    await wrong()  # [wrong]
    await correct()  # [correct]


if __name__ == "__main__":
    asyncio.run(main())
