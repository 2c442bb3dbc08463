#!/usr/bin/env python3
"""python_open.py N FILE: the open workload's peer: FILE parsed with json.load (nothing drawn),
timed in the process; one JSON line like loopscope-bench open's."""

import json
import os
import resource
import sys
import time

n, path = int(float(sys.argv[1])), sys.argv[2]
t0 = time.perf_counter()
with open(path, encoding="utf-8") as f:
    doc = json.load(f)
seconds = time.perf_counter() - t0
if not isinstance(doc.get("traceEvents"), list):
    sys.exit("python_open: no traceEvents")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
size = os.path.getsize(path)
print(json.dumps({"peer": "asyncio", "workload": "open", "n": n, "open_s": seconds,
                  "peak_rss_mb": peak / 1048576, "file_mb": size / 1048576,
                  "rss_over_file": peak / size}))
