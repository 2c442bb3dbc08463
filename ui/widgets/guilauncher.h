#pragma once

namespace Loopscope {

//! Starts the GUI: creates the QApplication (name and organization "Loopscope", window icon),
//! parses the GUI options (GuiOptions), shows the MainWindow and runs the event loop.
//! Bad options: one line on stderr and exit code 2, before any window shows. With
//! --screenshot FILE the window is grabbed to FILE when the run ends and the app exits 0.
int launchGui(int argc, char **argv);

} // namespace Loopscope
