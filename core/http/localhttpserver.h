#pragma once

#include <QString>
#include <QUrl>

#include <memory>

class QThread;
class QObject;

namespace Loopscope {

//! A small HTTP server inside the process, on 127.0.0.1 with an ephemeral port, on a thread of
//! its own (httpbin's two routes the tutorial uses):
//!   GET /delay/<seconds>  answers {"delay": s} after that long, without blocking any thread
//!   GET /status/<code>    answers with that status code
//! Never binds to anything but loopback. start() and the destructor from any one thread.
class LocalHttpServer
{
public:
    LocalHttpServer();
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer &) = delete;
    LocalHttpServer &operator=(const LocalHttpServer &) = delete;

    //! Starts listening; false with a one-line error if it cannot.
    bool start(QString *error = nullptr);
    quint16 port() const { return m_port; }
    //! http://127.0.0.1:<port><path>
    QUrl url(const QString &path) const;

    //! The server the runner started for the scenario running on this thread, or null.
    static LocalHttpServer *forThisThread();
    //! Makes server the one forThisThread() returns on this thread (null to clear).
    static void setForThisThread(LocalHttpServer *server);

private:
    std::unique_ptr<QThread> m_thread;
    QObject *m_context = nullptr;
    quint16 m_port = 0;
};

} // namespace Loopscope
