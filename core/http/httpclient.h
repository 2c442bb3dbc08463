#pragma once

#include "runtime/task.h"

#include <QByteArray>
#include <QUrl>

#include <memory>

namespace Loopscope {

struct HttpResponse {
    int status = 0;
    QByteArray body;
};

namespace detail {
struct HttpRequestState;
}

//! `co_await httpGet(url)`: a real GET through QNetworkAccessManager, awaited with QCoro.
//! Managers are pooled per thread and a manager takes at most six requests at once (its
//! connection limit per host), so requests never queue behind that limit. A cancelled
//! request is aborted at once. Any HTTP status is a response (like aiohttp without
//! raise_for_status); a transport failure raises ScenarioError("ClientError", ...).
class HttpGet
{
public:
    explicit HttpGet(QUrl url);
    HttpGet(HttpGet &&) noexcept;
    ~HttpGet();
    bool ready() const { return false; }
    void suspend(TaskCore *task, quint32 unit);
    HttpResponse resume();

private:
    QUrl m_url;
    std::shared_ptr<detail::HttpRequestState> m_state;
};

inline HttpGet httpGet(const QUrl &url) { return HttpGet(url); }

//! Creates this thread's first network manager ahead of time (it loads plugins: tens of ms),
//! so the first request of a run does not pay for it.
void warmUpHttpClient();

} // namespace Loopscope
