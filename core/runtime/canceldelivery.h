#pragma once

#include <QString>

namespace Loopscope {

//! How a cancellation reaches a task suspended at an await point when every coroutine frame
//! from that await to the task's root declared cancelPassesThrough() (otherwise it is always
//! thrown). Process-wide; set it before a run starts (tests set it around runMain).
enum class CancelDelivery : unsigned char {
    //! Thrown as CancelledError at the await, like any other cancellation (the reference path).
    Throw,
    //! Thrown, and the runtime checks that it reached the root untouched: the task must end
    //! cancelled with the very exception thrown at the await. A declaration that lies (a frame
    //! caught the CancelledError and went on, or threw another one) calls the check handler.
    //! The default of builds without NDEBUG, so tests catch a wrong declaration.
    Checked,
    //! Not thrown: the suspended frames are destroyed (destructors run, innermost first, as
    //! unwinding would run them), the trace records what the thrown path records, and the task
    //! ends with the runtime's shared CancelledError (cancelledError()). The release default.
    Direct,
};

void setCancelDelivery(CancelDelivery mode);
CancelDelivery cancelDelivery();

//! Called in CancelDelivery::Checked when a declaration was wrong; message names the task.
//! The default handler is qFatal. Returns the handler it replaces. Loop threads call it.
using CancelCheckHandler = void (*)(const QString &message);
CancelCheckHandler setCancelCheckHandler(CancelCheckHandler handler);

namespace detail {
struct CancelPassesThrough {
};
void cancelCheckFailed(const QString &message);
} // namespace detail

//! `co_await cancelPassesThrough();` at the start of a Co body declares that, from there to its
//! end, no code of this coroutine catches a CancelledError: no try block around a later co_await
//! has a handler for CancelledError, AsyncError, std::exception or `...` (a handler that only
//! cleans up and rethrows counts as catching: declare nothing then). Destructors (RAII cleanup)
//! are fine: they run on either path. When every frame from a cancelled await up to its task's
//! root has declared it, the cancellation is delivered without a C++ throw (CancelDelivery), which
//! is the bulk of what cancelling a task costs. Not for generators (Gen bodies cannot declare).
inline detail::CancelPassesThrough cancelPassesThrough() { return {}; }

} // namespace Loopscope
