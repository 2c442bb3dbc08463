#pragma once

#include "scenarios/launchoptions.h"

namespace Loopscope {

//! The headless commands: `loopscope list`, `loopscope run ID ...`, `loopscope render ...`,
//! `loopscope compare A.json B.json ...` (trace or summary files; not a Loopscope trace or
//! summary: exit 2), and
//! the help and version text, for options LaunchOptions::parse() accepted.
//! Exit codes: 0 success, 1 the run or a write failed, 2 bad input (one line on stderr).
class CommandLine
{
public:
    //! Runs the command (not Command::Gui); needs a Q(Gui)Application. Returns the exit code.
    static int exec(const LaunchOptions &options);
};

} // namespace Loopscope
