#include "shield.h"

namespace Loopscope::detail {

namespace {
struct ShieldState : DoneCallback {
    TaskCore *inner = nullptr;
    TaskCore *outer = nullptr;
    ~ShieldState()
    {
        inner->removeDoneCallback(this);
        inner->deref();
    }
};
} // namespace

TaskCore *shieldCore(TaskCore *inner, void *innerResult)
{
    auto state = std::make_shared<ShieldState>();
    inner->ref();
    state->inner = inner;
    // The state lives as long as the outer core.
    TaskCore *outer = inner->loop()->createExternalCore(inner->unit(), state);
    state->outer = outer;
    outer->setExternalResult(innerResult);
    state->fn = [](DoneCallback *cb, TaskCore *done) {
        TaskCore *outer = static_cast<ShieldState *>(cb)->outer;
        const bool cancelled =
            done->outcome() == Outcome::Cancelled || done->outcome() == Outcome::TimedOut;
        if (!outer->isDone())
            outer->finish(done->error(), cancelled);
    };
    inner->addDoneCallback(state.get());
    outer->withdraw = {[](void *ctx) {
                           auto *s = static_cast<ShieldState *>(ctx);
                           s->inner->removeDoneCallback(s);
                           s->outer->finish(cancelledError(), true);
                           return true;
                       },
                       state.get()};
    return outer;
}

} // namespace Loopscope::detail
