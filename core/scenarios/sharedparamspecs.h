#pragma once

#include "scenario.h"

#include <vector>

namespace Loopscope {

// Parameter lists shared by scenarios that run the same program in two ways.

//! gather_return_exceptions and taskgroup process the same items; gather adds
//! return_exceptions.
inline std::vector<ParamSpec> itemParams(bool withReturnExceptions)
{
    std::vector<ParamSpec> specs{
        {.name = QStringLiteral("items"), .label = QStringLiteral("Items"),
         .min = 1, .max = 50, .step = 1, .defaultValue = 7,
         .help = QStringLiteral("How many items are processed concurrently.")},
        {.name = QStringLiteral("delay"), .label = QStringLiteral("Delay"),
         .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = 0.5,
         .help = QStringLiteral("How long item 1 takes.")},
        {.name = QStringLiteral("stagger"), .label = QStringLiteral("Stagger"),
         .unit = QStringLiteral("s"), .min = 0, .max = 2, .step = 0.1, .defaultValue = 0,
         .help = QStringLiteral("Item i takes delay + stagger x (i - 1): later items finish "
                                "later.")},
        {.name = QStringLiteral("fail_item"), .label = QStringLiteral("Failing item"),
         .min = 0, .max = 50, .step = 1, .defaultValue = 5,
         .help = QStringLiteral("Which item raises ValueError (0: none).")}};
    if (withReturnExceptions)
        specs.push_back(
            {.name = QStringLiteral("return_exceptions"),
             .label = QStringLiteral("Return exceptions"),
             .min = 0, .max = 1, .step = 1, .defaultValue = 1,
             .help = QStringLiteral("1: errors come back as values; 0: gather fails fast.")});
    return specs;
}

//! wait_for_timeout and timeout_context give the same slow operation a deadline.
inline std::vector<ParamSpec> timeoutParams()
{
    return {{.name = QStringLiteral("duration"), .label = QStringLiteral("Operation time"),
             .unit = QStringLiteral("s"), .min = 0.1, .max = 30, .step = 0.1, .defaultValue = 10,
             .help = QStringLiteral("How long slow_operation would take.")},
            {.name = QStringLiteral("timeout"), .label = QStringLiteral("Timeout"),
             .unit = QStringLiteral("s"), .min = 0.1, .max = 30, .step = 0.1, .defaultValue = 2,
             .help = QStringLiteral("When to give up on it.")}};
}

} // namespace Loopscope
