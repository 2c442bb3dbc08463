# The forgotten await: calling a coroutine function only creates a coroutine object.
import asyncio

try:  # Loopscope's reference harness names inline units on the timeline with traced(label, coro)
    from loopscope_ref import traced
except ImportError:  # run on its own: traced() hands the coroutine back unchanged
    def traced(label, awaitable):
        return awaitable


async def get_data() -> str:
    await asyncio.sleep(0.5)  # e.g. a query [sleep]
    return "data"


async def wrong():
    result = traced("get_data #1", get_data())  # Wrong! Returns a coroutine object
    print(result)  # <coroutine object get_data at 0x...>
    # ... and Python warns: RuntimeWarning: coroutine 'get_data' was never awaited


async def correct():
    result = await traced("get_data #2", get_data())  # Correct [get-data]
    print(result)  # data


async def main():
    await traced("wrong()", wrong())  # [wrong]
    await traced("correct()", correct())  # [correct]


if __name__ == "__main__":
    asyncio.run(main())
