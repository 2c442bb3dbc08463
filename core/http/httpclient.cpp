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
// QNetworkAccessManager opens at most six connections per host; more requests on one manager
// would queue. Each pooled manager carries at most that many requests at a time.
constexpr int RequestsPerManager = 6;

// The pool lives as a child of the loop, so its managers go with the loop (on its thread).
class ManagerPool : public QObject
{
public:
    using QObject::QObject;
    struct Entry {
        QNetworkAccessManager *manager;
        int active;
    };
    std::vector<Entry> entries;
};

ManagerPool *poolOf(EventLoop *loop)
{
    // Found by name: ManagerPool has no meta-object of its own for findChild to match.
    static const QString name = QStringLiteral("loopscope-http-pool");
    if (auto *found = loop->findChild<QObject *>(name, Qt::FindDirectChildrenOnly))
        return static_cast<ManagerPool *>(found);
    auto *pool = new ManagerPool(loop);
    pool->setObjectName(name);
    return pool;
}

QNetworkAccessManager *acquireManager(EventLoop *loop)
{
    ManagerPool *pool = poolOf(loop);
    for (ManagerPool::Entry &e : pool->entries) {
        if (e.active < RequestsPerManager) {
            ++e.active;
            return e.manager;
        }
    }
    pool->entries.push_back({new QNetworkAccessManager(pool), 1});
    return pool->entries.back().manager;
}

void releaseManager(EventLoop *loop, QNetworkAccessManager *manager)
{
    for (ManagerPool::Entry &e : poolOf(loop)->entries) {
        if (e.manager == manager)
            --e.active;
    }
}

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
    EventLoop *loop = state->loop;
    releaseManager(loop, manager);
    loop->externalFinished();
    if (!state->detached)
        loop->schedule(state->waiter, loop->nowNs());
}
} // namespace

void warmUpHttpClient()
{
    // The first manager of a process loads the network plugins and settings.
    QNetworkAccessManager warm;
    warm.setTransferTimeout(0);
}

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
    QNetworkAccessManager *manager = acquireManager(task->loop());
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
