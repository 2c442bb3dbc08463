// loopscope-bench gui_lag N: the main window showing the stress scenario (N tasks) live on the
// real clock, with a 5 ms timer on the GUI thread measuring how late it fires (the GUI lag).

#include "guilagbench.h"

#include "mainwindow.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace Loopscope::Bench {

int runGuiLag(int argc, char **argv, int n)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    MainWindow window(MainWindow::Persistence::Forget);
    window.resize(1600, 1000);
    window.show();
    window.setClockMode(Clock::Mode::Real);
    window.setTimeScale(1.0);

    constexpr int TickMs = 5;
    std::vector<double> lagsMs;
    QElapsedTimer clock;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    qint64 expected = 0;
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lagsMs.push_back(std::max<double>(0, double(now - expected) / 1e6));
        expected = now + TickMs * 1'000'000;
    });
    bool finished = false;
    QObject::connect(&window, &MainWindow::runFinished, [&] {
        finished = true;
        app.quit();
    });
    window.selectScenario(QStringLiteral("stress"), false);
    ScenarioParams params = ScenarioRegistry::find(QStringLiteral("stress"))->defaults();
    params.set(QStringLiteral("tasks"), n);
    window.setParams(params);
    clock.start();
    expected = TickMs * 1'000'000;
    ticker.start(TickMs);
    QTimer::singleShot(0, &window, [&] { window.run(); });
    QTimer::singleShot(120'000, &app, &QApplication::quit);
    app.exec();
    if (!finished || lagsMs.empty()) {
        std::fprintf(stderr, "gui_lag: the run did not finish\n");
        return 1;
    }
    std::sort(lagsMs.begin(), lagsMs.end());
    auto pct = [&](double p) { return lagsMs[std::min(lagsMs.size() - 1, std::size_t(p * double(lagsMs.size())))]; };
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"gui_lag\",\"n\":%d,\"samples\":%zu,"
                "\"lag_p50_ms\":%.2f,\"lag_p99_ms\":%.2f,\"lag_max_ms\":%.2f}\n",
                n, lagsMs.size(), pct(0.5), pct(0.99), lagsMs.back());
    return 0;
}

} // namespace Loopscope::Bench
