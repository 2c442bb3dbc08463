#!/usr/bin/env python3
"""asyncio_bench.py WORKLOAD N: loopscope-bench's workloads on CPython asyncio, one JSON line.

The semantics match tests/bench/loopscopebench.cpp: real clock, one task per item created with
create_task, joined with gather; sleep(0) yields one loop turn.
"""

import asyncio
import json
import os
import resource
import sys
import time

IDEAL = {
    "spawn_gather": 0.0,
    "sleep_gather": 0.1,
    "semaphore": 0.0,
    "timeout_cancel": 0.05,
    "chain": 0.0,
}


class BenchError(Exception):
    pass


def current_rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


async def yield_once():
    await asyncio.sleep(0)


async def sleep_for(seconds):
    await asyncio.sleep(seconds)


async def spawn_gather(n):
    await asyncio.gather(*[asyncio.create_task(yield_once()) for _ in range(n)])


async def sleep_gather(n):
    await asyncio.gather(*[asyncio.create_task(sleep_for(0.1)) for _ in range(n)])


async def semaphore(n):
    sem = asyncio.Semaphore(100)
    occupancy = {"inside": 0, "greatest": 0}

    async def hold_permit():
        async with sem:
            occupancy["inside"] += 1
            occupancy["greatest"] = max(occupancy["greatest"], occupancy["inside"])
            await asyncio.sleep(0)
            occupancy["inside"] -= 1

    await asyncio.gather(*[asyncio.create_task(hold_permit()) for _ in range(n)])
    if occupancy["greatest"] != min(n, 100):
        raise BenchError(f"semaphore: greatest concurrency {occupancy['greatest']}, "
                         f"expected {min(n, 100)}")


async def timeout_cancel(n):
    timed_out = 0

    async def time_out_once():
        nonlocal timed_out
        try:
            await asyncio.wait_for(sleep_for(10.0), 0.05)
        except asyncio.TimeoutError:
            timed_out += 1

    await asyncio.gather(*[asyncio.create_task(time_out_once()) for _ in range(n)])
    if timed_out != n:
        raise BenchError(f"timeout_cancel: {timed_out} of {n} timed out")


async def value_of(i):
    return i


async def chain(n):
    total = 0
    for i in range(n):
        total += await value_of(i)
    if total != n * (n - 1) // 2:
        raise BenchError(f"chain: sum {total}, expected {n * (n - 1) // 2}")


WORKLOADS = {
    "spawn_gather": spawn_gather,
    "sleep_gather": sleep_gather,
    "semaphore": semaphore,
    "timeout_cancel": timeout_cancel,
    "chain": chain,
}


def main(argv):
    if len(argv) != 3 or argv[1] not in WORKLOADS:
        print(f"usage: {argv[0]} WORKLOAD N  (workloads: {' '.join(WORKLOADS)})",
              file=sys.stderr)
        return 2
    name = argv[1]
    n = int(float(argv[2]))
    with asyncio.Runner() as runner:
        runner.get_loop()  # the loop is made before the clock starts, as loopscope's is
        rss_before = current_rss_bytes()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        try:
            runner.run(WORKLOADS[name](n))
        except BenchError as e:
            print(e, file=sys.stderr)
            return 1
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        peak = peak_rss_bytes()
    print(json.dumps({
        "peer": "asyncio",
        "workload": name,
        "n": n,
        "wall_s": round(wall, 6),
        "cpu_s": round(cpu, 6),
        "peak_rss_mb": round(peak / (1024 * 1024), 2),
        "per_task_us": round((wall - IDEAL[name]) / n * 1e6, 4),
        "bytes_per_task": round(max(0, peak - rss_before) / n, 1),
    }, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
