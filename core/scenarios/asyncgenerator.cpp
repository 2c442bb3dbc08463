// Async generators: pages are processed as they arrive.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

struct PageData {
    int page = 0;
    QStringList data;
};

Gen<PageData> fetchPages(int numPages, double pageDelay)
{
    for (int page = 1; page <= numPages; ++page) {
        co_await sleep(pageDelay); // simulate API delay [page-sleep]
        PageData pageData{page, {}};
        for (int i = 0; i < 5; ++i)
            pageData.data << QStringLiteral("item_%1_%2").arg(page).arg(i);
        co_yield pageData;
    }
}

Co<void> main(ScenarioParams p)
{
    const double processTime = p.value(QStringLiteral("process_time"));
    auto pages = fetchPages(p.integer(QStringLiteral("pages")), p.value(QStringLiteral("page_delay")))
                     .named(QStringLiteral("fetch_pages"), QStringLiteral("page %1"));
    while (auto pageData = co_await pages.next()) { // async for page_data in fetch_pages(5): [async-for]
        print(QStringLiteral("Processing page %1").arg(pageData->page));
        for (const QString &item : pageData->data)
            print(QStringLiteral("  - ") + item);
        if (processTime > 0)
            co_await sleep(processTime); // process the page before asking for the next [process]
    }
}

} // namespace

Scenario makeAsyncGeneratorScenario()
{
    return {QStringLiteral("async_generator"),
            QStringLiteral("Async generator"),
            QStringLiteral("Coordination"),
            QStringLiteral("An async generator yields one page every 0.5 s and main processes each "
                           "page as soon as it arrives, instead of waiting for all of them. Each "
                           "step of the generator is a lane; with a processing time, the steps "
                           "move apart because the generator only runs when asked."),
            {{.name = QStringLiteral("pages"), .label = QStringLiteral("Pages"),
              .min = 1, .max = 50, .step = 1, .defaultValue = 5,
              .help = QStringLiteral("How many pages the generator yields.")},
             {.name = QStringLiteral("page_delay"), .label = QStringLiteral("Page delay"),
              .unit = QStringLiteral("s"), .min = 0, .max = 5, .step = 0.1, .defaultValue = 0.5,
              .help = QStringLiteral("How long fetching one page takes.")},
             {.name = QStringLiteral("process_time"), .label = QStringLiteral("Processing time"),
              .unit = QStringLiteral("s"), .min = 0, .max = 5, .step = 0.1, .defaultValue = 0,
              .help = QStringLiteral("How long main awaits per page before the next.")}},
            main};
}

} // namespace Loopscope
