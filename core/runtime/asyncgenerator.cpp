#include "asyncgenerator.h"

namespace Loopscope::detail {

void enterStep(PromiseBase &consumer, PromiseBase &gen, quint32 stepLabel)
{
    gen.label = stepLabel;
    gen.exception = nullptr;
    enterChild(consumer, gen, UnitKind::Generator);
}

void leaveStep(PromiseBase &gen, quint32 endLabel)
{
    if (endLabel && gen.label && gen.task)
        gen.task->loop()->trace().relabelled(gen.unit, endLabel);
    leaveChild(gen);
}

} // namespace Loopscope::detail
