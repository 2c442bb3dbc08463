// The forgotten await: calling a coroutine function only creates a coroutine object.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<QString> getData()
{
    co_await sleep(0.5); // e.g. a query [sleep]
    co_return QStringLiteral("data");
}

Co<void> wrong()
{
    auto result = getData().named(QStringLiteral("get_data #1")); // Wrong! A coroutine object
    print(QStringLiteral("<coroutine object get_data>"));
    co_return;
}

Co<void> correct()
{
    const QString result = co_await getData().named(QStringLiteral("get_data #2")); // Correct [get-data]
    print(result);
}

Co<void> main(ScenarioParams)
{
    co_await wrong().named(QStringLiteral("wrong()")); // [wrong]
    co_await correct().named(QStringLiteral("correct()")); // [correct]
}

} // namespace

Scenario makeForgotAwaitScenario()
{
    return {QStringLiteral("forgot_await"),
            QStringLiteral("Forgetting await"),
            QStringLiteral("Pitfalls"),
            QStringLiteral("wrong() calls get_data() without await: it gets a coroutine object that "
                           "never runs (Python warns 'coroutine was never awaited'). correct() "
                           "awaits it and gets the data after 0.5 s."),
            {},
            main};
}

} // namespace Loopscope
