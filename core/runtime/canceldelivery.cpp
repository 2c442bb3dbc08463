#include "canceldelivery.h"

#include <QtGlobal>

#include <atomic>

namespace Loopscope {

namespace {
#ifdef NDEBUG
constexpr CancelDelivery DefaultDelivery = CancelDelivery::Direct;
#else
constexpr CancelDelivery DefaultDelivery = CancelDelivery::Checked;
#endif
std::atomic<CancelDelivery> s_delivery{DefaultDelivery};

void fatalCheck(const QString &message) { qFatal("%s", qUtf8Printable(message)); }
std::atomic<CancelCheckHandler> s_handler{&fatalCheck};
} // namespace

void setCancelDelivery(CancelDelivery mode) { s_delivery.store(mode, std::memory_order_relaxed); }

CancelDelivery cancelDelivery() { return s_delivery.load(std::memory_order_relaxed); }

CancelCheckHandler setCancelCheckHandler(CancelCheckHandler handler)
{
    return s_handler.exchange(handler ? handler : &fatalCheck);
}

void detail::cancelCheckFailed(const QString &message) { s_handler.load()(message); }

} // namespace Loopscope
