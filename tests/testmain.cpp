#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#ifdef LOOPSCOPE_TEST_WIDGETS
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

#include "environment.h"

#include <cstdlib>

int main(int argc, char **argv)
{
    Loopscope::prepareQtEnvironment();
    // catch_discover_tests runs the binary at build time, where there may be no display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TestApplication app(argc, argv);
    return Catch::Session().run(argc, argv);
}
