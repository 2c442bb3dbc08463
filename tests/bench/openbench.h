#pragma once

namespace Loopscope::Bench {
//! `loopscope-bench make_trace N FILE`: writes the stress scenario's trace of N tasks (virtual
//! clock) to FILE (gzip if it ends in .gz), for the open workload and its peers.
int runMakeTrace(int argc, char **argv, int n, const char *file);
//! `loopscope-bench open N FILE`: opens FILE (the stress trace of N tasks) and draws the whole
//! run once into a 1920x1080 image; prints one JSON line. Returns the exit code.
int runOpen(int argc, char **argv, int n, const char *file);
} // namespace Loopscope::Bench
