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
//! Each request has its own manager, so no six-connections-per-host limit applies. A cancelled
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

} // namespace Loopscope
