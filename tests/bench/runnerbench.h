#pragma once

namespace Loopscope::Bench {
//! `loopscope-bench virtual_executor N`: N blocking 1 s jobs in a pool of two on the virtual
//! clock; prints the real time the N/2 scenario seconds took (one JSON line). Exit code.
int runVirtualExecutor(int argc, char **argv, int n);
//! `loopscope-bench runner_restart N`: N times, starts a run while the previous one blocks its
//! loop (the blocking pitfall) and measures how long ScenarioRunner::start() took. Exit code.
int runRunnerRestart(int argc, char **argv, int n);
} // namespace Loopscope::Bench
