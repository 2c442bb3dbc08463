#pragma once

#include "clock.h"
#include "scenario.h"

#include <QString>
#include <QStringList>

namespace Loopscope {

//! What `loopscope` was asked to do: the one command line of the headless commands and the
//! window, parsed with QCommandLineParser (so help, version and errors use Qt's wording).
//!
//! The first positional argument picks the command: `list`, `run ID`, `trace PROGRAM.py
//! [--] [ARGS...]` (everything after the program is the program's own), `render TRACE.json`,
//! `compare A.json B.json` (trace or summary files);
//! anything else opens the window (`loopscope [options] [TRACE.json]`). Every option is defined
//! once, with the commands that take it; giving it to another command is bad input. Qt's own
//! options (-platform, -style, ...) are taken by every command and left for the Q*Application.
//!
//! parse() checks everything that can be checked before a run starts or a window shows:
//! an unknown command argument, scenario or parameter (parameters go through
//! Scenario::resolve), values out of range, a bad clock or time scale, a trace file that does
//! not exist, an output file whose folder is missing or not writable. It returns false with
//! one line naming the problem.
//!
//! Any thread; parse() needs no application object, helpText() needs one (the program name).
struct LaunchOptions
{
    enum class Command { Gui, List, Run, Trace, Render, Compare, Help, Version };

    //! The files `run`, `render` and `compare` write (empty: not asked for) and the image size.
    struct Outputs
    {
        QString summary, trace, png, svg, pdf;
        int width = 1600;
        int height = 0; //!< 0: tall enough for every lane
        double dpr = 1;
        bool anyImage() const { return !png.isEmpty() || !svg.isEmpty() || !pdf.isEmpty(); }
    };

    Command command = Command::Gui;
    QString scenario;       //!< run's ID, or the window's --scenario
    QString program;        //!< trace's PROGRAM.py
    QStringList programArguments; //!< its sys.argv[1:]
    QString python = QStringLiteral("python3"); //!< trace: the interpreter (--python)
    bool internals = false; //!< trace: show asyncio's own tasks
    bool tasksOnly = false; //!< trace: no inline coroutine units
    ScenarioParams params;  //!< resolved for scenario (or program's marked constants): its
                            //!< defaults, then every --set
    bool hasParams = false; //!< at least one --set was given
    double timeScale = 1.0;
    bool hasTimeScale = false;
    Clock::Mode clock = Clock::Mode::Real;
    bool hasClock = false;
    QString traceFile;         //!< render's TRACE.json, or the trace the window opens
    QStringList compareFiles;  //!< compare's A.json and B.json (both exist)
    QString pinTrace;          //!< the window: a trace or summary pinned as run A (--pin-trace)
    Outputs outputs;           //!< run and render
    bool quiet = false;        //!< run: print only the result line
    bool run = false;          //!< --run given (the window always runs its scenario at once)
    QString screenshot;        //!< the window is grabbed to this PNG when the run ends
    double cursorS = -1;       //!< the window's time cursor when the run ends, < 0: none
    bool displayGiven = false; //!< Qt's -platform or -display option was given

    static bool parse(const QStringList &arguments, LaunchOptions *out, QString *error);
    //! Qt's help text: usage, the commands, every option.
    static QString helpText();
};

} // namespace Loopscope
