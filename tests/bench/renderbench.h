#pragma once

#include "tracedata.h"

namespace Loopscope::Bench {
//! The stress scenario's run of n tasks on the virtual clock, as a finished TraceData.
TraceData stressTrace(int n);
//! `loopscope-bench render N`; prints one JSON line. Returns the exit code.
int runRender(int argc, char **argv, int n);
} // namespace Loopscope::Bench
