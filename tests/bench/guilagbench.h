#pragma once

namespace Loopscope::Bench {
//! `loopscope-bench gui_lag N`; prints one JSON line. Returns the exit code.
int runGuiLag(int argc, char **argv, int n);
} // namespace Loopscope::Bench
