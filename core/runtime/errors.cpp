#include "errors.h"

namespace Loopscope {

const std::exception_ptr &cancelledError()
{
    // Per thread: a loop's tasks share it, and its reference count stays with that thread.
    thread_local const std::exception_ptr error = std::make_exception_ptr(CancelledError());
    return error;
}

QString errorText(const std::exception_ptr &error)
{
    if (!error)
        return QString();
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError &) {
        return QStringLiteral("CancelledError");
    } catch (const TimeoutError &) {
        return QStringLiteral("TimeoutError");
    } catch (const ScenarioError &e) {
        return e.type() + QStringLiteral(": ") + e.message();
    } catch (const ExceptionGroup &e) {
        return QStringLiteral("ExceptionGroup: ") + e.message() + QStringLiteral(" [")
            + e.errors().join(QStringLiteral("; ")) + QStringLiteral("]");
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("unknown error");
    }
}

} // namespace Loopscope
