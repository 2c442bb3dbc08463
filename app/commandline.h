#pragma once

#include <QStringList>

namespace Loopscope {

//! The headless command line: `loopscope list`, `loopscope run ID ...`, `loopscope render ...`.
//! Exit codes: 0 success, 1 the run or a write failed, 2 bad input (one line on stderr).
class CommandLine
{
public:
    //! True if args (without the program name) start with a CLI subcommand or a help flag.
    static bool handles(const QStringList &args);
    //! Runs the command; needs a Q(Gui)Application. Returns the exit code.
    static int exec(const QStringList &args);
};

} // namespace Loopscope
