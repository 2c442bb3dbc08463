#pragma once

#include "clock.h"
#include "scenarios/scenario.h"

#include <QStringList>

namespace Loopscope {

//! The GUI's command line: `loopscope [--scenario ID] [--set NAME=VALUE]... [--time-scale S]
//! [--clock real|virtual] [--run] [--screenshot FILE] [TRACE.json]`.
//!
//! parse() checks everything a window would otherwise discover too late (unknown scenario or
//! parameter, value out of range, bad scale or clock, missing trace file, screenshot folder
//! that does not exist) and returns false with one line naming the problem. Arguments starting
//! with a single dash are Qt's own (-platform, -style ...) and are skipped with their value.
struct GuiOptions
{
    QString scenario;
    ScenarioParams params; //!< valid for `scenario`
    bool hasParams = false;
    double timeScale = 1.0;
    bool hasTimeScale = false;
    Clock::Mode clock = Clock::Mode::Real;
    bool hasClock = false;
    bool run = false;        //!< run at once (implied by --screenshot)
    QString screenshot;      //!< grab the window to this PNG when the run ends, then quit
    QString traceFile;       //!< a trace JSON to show
    bool help = false;

    static bool parse(const QStringList &arguments, GuiOptions *out, QString *error);
    static QString usage();
};

} // namespace Loopscope
