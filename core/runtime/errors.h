#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <exception>

namespace Loopscope {

//! Base of the runtime's errors: a message in UTF-8, and an asyncio-style type name.
class AsyncError : public std::exception
{
public:
    //! No message: nothing to convert, so a throw of CancelledError() or TimeoutError() is a
    //! bare allocation (no call that can throw before it, no cleanup for the unwinder to find).
    AsyncError() noexcept = default;
    explicit AsyncError(const QString &message)
        : m_message(message.toUtf8())
    {
    }
    const char *what() const noexcept override { return m_message.constData(); }
    QString message() const { return QString::fromUtf8(m_message); }

private:
    QByteArray m_message;
};

//! Thrown at an await point of a task that was cancelled (asyncio.CancelledError).
//! Catch it for cleanup, then re-throw.
class CancelledError final : public AsyncError
{
public:
    using AsyncError::AsyncError;
};

//! Raised in the caller when waitFor or a timeout scope expires (asyncio.TimeoutError).
class TimeoutError final : public AsyncError
{
public:
    using AsyncError::AsyncError;
};

//! An error raised by scenario code, with the Python exception type it stands for
//! (ValueError("Failed to process item 5") is ScenarioError("ValueError", "...")).
class ScenarioError : public AsyncError
{
public:
    ScenarioError(const QString &type, const QString &message)
        : AsyncError(message)
        , m_type(type)
    {
    }
    QString type() const { return m_type; }

private:
    QString m_type;
};

//! What a TaskGroup raises when children failed (Python's ExceptionGroup).
class ExceptionGroup final : public AsyncError
{
public:
    explicit ExceptionGroup(const QStringList &errors)
        : AsyncError(QStringLiteral("unhandled errors in a TaskGroup (%1 sub-exception%2)")
                         .arg(errors.size())
                         .arg(errors.size() == 1 ? QString() : QStringLiteral("s")))
        , m_errors(errors)
    {
    }
    //! Each sub-exception as errorText() gives it.
    QStringList errors() const { return m_errors; }

private:
    QStringList m_errors;
};

//! "ValueError: Failed to process item 5", "CancelledError", "TimeoutError", ...
QString errorText(const std::exception_ptr &error);

//! The runtime's own CancelledError (no message), made once per thread, for the ends it records
//! without a throw (a task cancelled before it ran, a withdrawn executor job, a shield): the
//! tasks it ends share one exception object instead of making and holding one each.
const std::exception_ptr &cancelledError();

} // namespace Loopscope
