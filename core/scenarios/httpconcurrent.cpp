// Real HTTP requests, concurrently, to a local server (httpbin's /delay and /status routes).
#include "http/httpclient.h"
#include "http/localhttpserver.h"
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<QString> fetchUrl(QUrl url, QString shown)
{
    try {
        const HttpResponse response = co_await httpGet(url); // [get]
        co_return QStringLiteral("{'url': '%1', 'status': %2, 'content_length': %3}")
            .arg(shown)
            .arg(response.status)
            .arg(response.body.size());
    } catch (const ScenarioError &e) {
        co_return QStringLiteral("{'url': '%1', 'error': '%2'}").arg(shown, e.message());
    }
}

Co<void> main(ScenarioParams p)
{
    // The httpbin stand-in: 127.0.0.1, an ephemeral port, its own thread; already up.
    LocalHttpServer &server = *LocalHttpServer::forThisThread();
    // The server waits in real time: scale its delays like the scenario clock.
    const double scale = EventLoop::current()->clock().timeScale();
    auto delayPath = [scale](double seconds) {
        return QStringLiteral("/delay/%1").arg(seconds * scale, 0, 'g', 6);
    };
    const QStringList shown{QStringLiteral("/delay/%1").arg(p.value(QStringLiteral("delay1"))),
                            QStringLiteral("/delay/%1").arg(p.value(QStringLiteral("delay2"))),
                            QStringLiteral("/delay/%1").arg(p.value(QStringLiteral("delay3"))),
                            QStringLiteral("/status/%1").arg(p.integer(QStringLiteral("status")))};
    const QStringList real{delayPath(p.value(QStringLiteral("delay1"))),
                           delayPath(p.value(QStringLiteral("delay2"))),
                           delayPath(p.value(QStringLiteral("delay3"))), shown[3]};
    std::vector<Task<QString>> tasks;
    for (int i = 0; i < 4; ++i)
        tasks.push_back(createTask(fetchUrl(server.url(real[i]), shown[i]),
                                   QStringLiteral("req%1 %2").arg(i + 1).arg(shown[i])));
    const auto results = co_await gather(tasks); // [gather]
    for (const QString &result : results)
        print(result);
}

} // namespace

Scenario makeHttpConcurrentScenario()
{
    auto delay = [](int i, double def) {
        return ParamSpec{
            .name = QStringLiteral("delay%1").arg(i),
            .label = QStringLiteral("Request %1 delay").arg(i),
            .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = def,
            .help = QStringLiteral("The server answers request %1 after this long.").arg(i)};
    };
    return {QStringLiteral("http_concurrent"),
            QStringLiteral("Concurrent HTTP requests"),
            QStringLiteral("Basics"),
            QStringLiteral("Four real HTTP GETs to a server inside Loopscope (127.0.0.1, an "
                           "ephemeral port). The requests wait at the same time, so the run lasts "
                           "as long as the slowest answer. The 404 is an answer, not an error."),
            {delay(1, 1), delay(2, 2), delay(3, 1),
             {.name = QStringLiteral("status"), .label = QStringLiteral("Status code"),
              .min = 100, .max = 599, .step = 1, .defaultValue = 404,
              .help = QStringLiteral("The status the fourth URL answers with.")}},
            main,
            true};
}

} // namespace Loopscope
