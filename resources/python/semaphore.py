# Semaphore rate limiting: only LIMIT requests run at once.
import asyncio

REQUESTS = 10  # loopscope: 1..200 requests are started
LIMIT = 3      # loopscope: 1..50 permits of the semaphore: requests running at once
DELAY = 1      # loopscope: 0.1..10 seconds each request takes


async def fetch_with_limit(url: str, semaphore: asyncio.Semaphore) -> int:
    async with semaphore:  # only LIMIT requests get past this line at a time [acquire]
        print(f"Fetching {url}")
        await asyncio.sleep(DELAY)  # stands in for session.get(url) [sleep]
        print(f"Completed {url}")
        return 200


async def main():
    semaphore = asyncio.Semaphore(LIMIT)  # limit concurrent requests
    urls = [f"https://httpbin.org/delay/1#{i}" for i in range(1, REQUESTS + 1)]
    tasks = [
        asyncio.create_task(fetch_with_limit(url, semaphore), name=f"req{i}")
        for i, url in enumerate(urls, 1)
    ]
    results = await asyncio.gather(*tasks)  # [gather]
    print(f"Fetched {len(results)} URLs")


if __name__ == "__main__":
    asyncio.run(main())
