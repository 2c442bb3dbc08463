#pragma once

namespace Loopscope {

struct LaunchOptions;

//! Starts the GUI for options that LaunchOptions::parse() accepted (Command::Gui): creates the
//! QApplication (name and organization "Loopscope", window icon), shows the MainWindow and runs
//! the event loop. Without a display (no DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM or Qt
//! -platform / -display option) it says so in one line, with how to run headless, and returns 2
//! before Qt would abort. With a screenshot the window is grabbed to that file when the run ends
//! and the app exits 0.
int launchGui(int argc, char **argv, const LaunchOptions &options);

} // namespace Loopscope
