#pragma once

namespace Loopscope::Bench {
//! `loopscope-bench gui_lag N` (the stress scenario, N tasks, live in the window); prints one
//! JSON line. Returns the exit code.
int runGuiLag(int argc, char **argv, int n);
//! `loopscope-bench gui_lag_program N`: a traced Python program creating N tasks, live.
int runGuiLagProgram(int argc, char **argv, int n);
} // namespace Loopscope::Bench
