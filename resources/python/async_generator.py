# Async generators: pages are processed as they arrive.
import asyncio
from typing import AsyncIterator

PAGES = 5         # loopscope: 1..50 pages the generator yields
PAGE_DELAY = 0.5  # loopscope: 0.0..5 seconds fetching one page takes
PROCESS_TIME = 0  # loopscope: 0.0..5 seconds main awaits per page before asking for the next


async def fetch_pages(num_pages: int) -> AsyncIterator[dict]:
    """Simulate paginated API responses."""
    for page in range(1, num_pages + 1):
        await asyncio.sleep(PAGE_DELAY)  # simulate API delay [page-sleep]
        yield {"page": page, "data": [f"item_{page}_{i}" for i in range(5)]}


async def main():
    # Each step of the generator ("page 1", "page 2", ...) runs only when main asks for it.
    async for page_data in fetch_pages(PAGES):  # [async-for]
        print(f"Processing page {page_data['page']}")
        for item in page_data["data"]:
            print(f"  - {item}")
        if PROCESS_TIME > 0:
            await asyncio.sleep(PROCESS_TIME)  # process the page before asking for the next [process]


if __name__ == "__main__":
    asyncio.run(main())
