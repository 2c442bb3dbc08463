#include "localhttpserver.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

namespace Loopscope {

namespace {
using Status = QHttpServerResponder::StatusCode;
constexpr double MaxDelaySeconds = 600;

class PendingAnswer : public QObject
{
public:
    PendingAnswer(QHttpServerResponder &&responder, double seconds, QObject *parent)
        : QObject(parent)
        , m_responder(std::move(responder))
        , m_socket(m_responder.socket())
        , m_seconds(seconds)
    {
    }
    void start()
    {
        QTimer::singleShot(int(m_seconds * 1000 + 0.5), Qt::PreciseTimer, this, [this] {
            if (m_socket && m_socket->isOpen()) {
                QJsonObject body{{QStringLiteral("delay"), m_seconds}};
                m_responder.write(QJsonDocument(body));
            }
            deleteLater();
        });
    }

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    double m_seconds;
};

void setupRoutes(QHttpServer *server, QObject *context)
{
    server->route(QStringLiteral("/delay/<arg>"),
                  [context](const QString &arg, QHttpServerResponder &&responder) {
                      bool ok = false;
                      const double seconds = arg.toDouble(&ok);
                      if (!ok || seconds < 0 || seconds > MaxDelaySeconds) {
                          responder.write(QByteArrayLiteral("bad delay\n"),
                                          QByteArrayLiteral("text/plain"), Status::BadRequest);
                          return;
                      }
                      // Answer later from a timer: no thread waits meanwhile. The pending
                      // answer is a child of the context, so it is freed with the server if it
                      // never fires; if the client went away first, nothing is written.
                      auto *pending = new PendingAnswer(std::move(responder), seconds, context);
                      pending->start();
                  });
    server->route(QStringLiteral("/status/<arg>"),
                  [](const QString &arg, QHttpServerResponder &&responder) {
                      bool ok = false;
                      const int code = arg.toInt(&ok);
                      if (!ok || code < 100 || code > 599) {
                          responder.write(QByteArrayLiteral("bad status\n"),
                                          QByteArrayLiteral("text/plain"), Status::BadRequest);
                          return;
                      }
                      responder.write(QByteArray::number(code) + '\n',
                                      QByteArrayLiteral("text/plain"), Status(code));
                  });
}
} // namespace

LocalHttpServer::LocalHttpServer()
    : m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(QStringLiteral("loopscope-http"));
}

LocalHttpServer::~LocalHttpServer()
{
    if (m_context) {
        QMetaObject::invokeMethod(
            m_context, [this] { delete m_context; }, Qt::BlockingQueuedConnection);
        m_context = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
}

bool LocalHttpServer::start(QString *error)
{
    if (m_port)
        return true;
    m_thread->start();
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    QString failure;
    QMetaObject::invokeMethod(
        m_context,
        [this, &failure] {
            auto *server = new QHttpServer(m_context);
            setupRoutes(server, m_context);
            m_port = server->listen(QHostAddress::LocalHost, 0);
            if (!m_port)
                failure = QStringLiteral("cannot listen on 127.0.0.1");
        },
        Qt::BlockingQueuedConnection);
    if (!m_port && error)
        *error = QStringLiteral("local HTTP server: ") + failure;
    return m_port != 0;
}

namespace {
thread_local LocalHttpServer *t_server = nullptr;
}

LocalHttpServer *LocalHttpServer::forThisThread() { return t_server; }
void LocalHttpServer::setForThisThread(LocalHttpServer *server) { t_server = server; }

QUrl LocalHttpServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

} // namespace Loopscope
