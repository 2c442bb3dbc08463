#pragma once

#include "errors.h"

#include <exception>
#include <optional>

namespace Loopscope {

//! A value or an error: what gather(..., ReturnExceptions) yields for each child.
template<typename T>
struct Result {
    std::optional<T> value;
    std::exception_ptr error;
    bool ok() const { return !error; }
    QString errorText() const { return Loopscope::errorText(error); }
};

template<>
struct Result<void> {
    std::exception_ptr error;
    bool ok() const { return !error; }
    QString errorText() const { return Loopscope::errorText(error); }
};

} // namespace Loopscope
