// loopscope-bench gui_lag N: the main window showing the stress scenario (N tasks) live on the
// real clock, with a 5 ms timer on the GUI thread measuring how late it fires (the GUI lag).
// loopscope-bench gui_lag_program N: the same while a traced Python program creating N tasks
// streams live (peers/asyncio_bench.py sleep_gather N, traced in full as File > Trace does).
//
// Lag: each tick records how much later than 5 ms after the previous one it fired, so a GUI
// thread busy for d ms gives one sample of about d - 5. Percentiles are over every tick from
// the start of the run to the window's runFinished (the end of the run, drawn).

#include "guilagbench.h"

#include "mainwindow.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace Loopscope::Bench {

namespace {

//! With LOOPSCOPE_LAG_EVENTS set, names on stderr every event the GUI thread took 10 ms or more
//! to handle (what the lag is made of); with LOOPSCOPE_LAG_TRACE set, prints every lag sample
//! over 12 ms with its time since the start (when in the run the lag comes).
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!m_log)
            return QApplication::notify(receiver, event);
        QElapsedTimer t;
        t.start();
        const int type = event->type();
        const char *name = receiver->metaObject()->className();
        const QObject *parent = receiver->parent();
        const char *parentName = parent ? parent->metaObject()->className() : "-";
        ++t_depth;
        const bool result = QApplication::notify(receiver, event);
        if (const qint64 ms = t.elapsed(); --t_depth == 0 && ms >= 10)
            std::fprintf(stderr, "slow event: %lld ms, type %d, %s in %s%s\n", ms, type, name,
                         parentName, QThread::currentThread() == thread() ? " (GUI)" : "");
        return result;
    }

private:
    bool m_log = qEnvironmentVariableIsSet("LOOPSCOPE_LAG_EVENTS");
    // Per thread: the loop thread's events go through here too, and one of them lasting
    // seconds (the burst of creations) hid every GUI event meanwhile when the depth was shared.
    static thread_local int t_depth;
};

thread_local int TimedApplication::t_depth = 0;

int measure(int argc, char **argv, int n, const char *workload,
            const std::function<bool(MainWindow &)> &prepare)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    MainWindow window(MainWindow::Persistence::Forget);
    window.resize(1600, 1000);
    window.show();
    window.setClockMode(Clock::Mode::Real);
    window.setTimeScale(1.0);
    if (!prepare(window))
        return 1;

    constexpr int TickMs = 5;
    std::vector<double> lagsMs;
    QElapsedTimer clock;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    qint64 expected = 0;
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lagsMs.push_back(std::max<double>(0, double(now - expected) / 1e6));
        if (qEnvironmentVariableIsSet("LOOPSCOPE_LAG_TRACE") && lagsMs.back() > 12)
            std::fprintf(stderr, "lag %.1f ms at %.3f s\n", lagsMs.back(), double(now) / 1e9);
        expected = now + TickMs * 1'000'000;
    });
    bool finished = false;
    QObject::connect(&window, &MainWindow::runFinished, [&] {
        finished = true;
        app.quit();
    });
    clock.start();
    expected = TickMs * 1'000'000;
    ticker.start(TickMs);
    QTimer::singleShot(0, &window, [&] { window.run(); });
    QTimer::singleShot(300'000, &app, &QApplication::quit);
    app.exec();
    const double wallS = double(clock.nsecsElapsed()) / 1e9;
    if (!finished || lagsMs.empty()) {
        std::fprintf(stderr, "%s: the run did not finish\n", workload);
        return 1;
    }
    const std::size_t units = window.traceData() ? window.traceData()->units.size() : 0;
    std::sort(lagsMs.begin(), lagsMs.end());
    auto pct = [&](double p) {
        return lagsMs[std::min(lagsMs.size() - 1, std::size_t(p * double(lagsMs.size())))];
    };
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"%s\",\"n\":%d,\"units\":%zu,"
                "\"wall_s\":%.2f,\"samples\":%zu,"
                "\"lag_p50_ms\":%.2f,\"lag_p99_ms\":%.2f,\"lag_max_ms\":%.2f}\n",
                workload, n, units, wallS, lagsMs.size(), pct(0.5), pct(0.99), lagsMs.back());
    return 0;
}

} // namespace

int runGuiLag(int argc, char **argv, int n)
{
    return measure(argc, argv, n, "gui_lag", [n](MainWindow &window) {
        window.selectScenario(QStringLiteral("stress"), false);
        ScenarioParams params = ScenarioRegistry::find(QStringLiteral("stress"))->defaults();
        params.set(QStringLiteral("tasks"), n);
        window.setParams(params);
        return true;
    });
}

int runGuiLagProgram(int argc, char **argv, int n)
{
    return measure(argc, argv, n, "gui_lag_program", [n](MainWindow &window) {
        const QString program = QString::fromUtf8(LOOPSCOPE_BENCH_PEERS "/asyncio_bench.py");
        QString error;
        if (!window.selectProgram(program, {QStringLiteral("sleep_gather"), QString::number(n)},
                                  {}, false, &error)) {
            std::fprintf(stderr, "gui_lag_program: %s\n", qPrintable(error));
            return false;
        }
        return true;
    });
}

} // namespace Loopscope::Bench
