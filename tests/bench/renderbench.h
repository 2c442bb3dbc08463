#pragma once

namespace Loopscope::Bench {
//! `loopscope-bench render N`; prints one JSON line. Returns the exit code.
int runRender(int argc, char **argv, int n);
} // namespace Loopscope::Bench
