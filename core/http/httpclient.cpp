#include "httpclient.h"

#include <QCoroNetworkReply>
#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

namespace Loopscope {

namespace detail {
struct HttpRequestState {
    EventLoop *loop = nullptr;
    TaskCore *waiter = nullptr;
    bool detached = false;
    bool finished = false;
    HttpResponse response;
    QString error;
    QPointer<QNetworkReply> reply;
};
} // namespace detail

namespace {
QCoro::Task<> completeWhenFinished(QNetworkAccessManager *manager, QNetworkReply *reply,
                                   std::shared_ptr<detail::HttpRequestState> state)
{
    co_await reply;
    state->finished = true;
    state->response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        state->response.body = reply->readAll();
    if (state->response.status == 0 && reply->error() != QNetworkReply::NoError)
        state->error = reply->errorString();
    reply->deleteLater();
    manager->deleteLater();
    EventLoop *loop = state->loop;
    loop->externalFinished();
    if (!state->detached)
        loop->schedule(state->waiter, loop->nowNs());
}
} // namespace

HttpGet::HttpGet(QUrl url)
    : m_url(std::move(url))
{
}

HttpGet::HttpGet(HttpGet &&o) noexcept = default;

HttpGet::~HttpGet()
{
    if (m_state && !m_state->finished) {
        m_state->detached = true;
        if (m_state->reply)
            m_state->reply->abort();
    }
}

void HttpGet::suspend(TaskCore *task, quint32)
{
    m_state = std::make_shared<detail::HttpRequestState>();
    m_state->loop = task->loop();
    m_state->waiter = task;
    auto *manager = new QNetworkAccessManager;
    QNetworkRequest request(m_url);
    request.setTransferTimeout(0);
    QNetworkReply *reply = manager->get(request);
    m_state->reply = reply;
    task->loop()->externalStarted();
    completeWhenFinished(manager, reply, m_state);
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<HttpGet *>(ctx);
                          self->m_state->detached = true;
                          if (self->m_state->reply)
                              self->m_state->reply->abort();
                          return false;
                      },
                      this};
}

HttpResponse HttpGet::resume()
{
    if (!m_state->error.isEmpty())
        throw ScenarioError(QStringLiteral("ClientError"), m_state->error);
    return m_state->response;
}

} // namespace Loopscope
