#pragma once

namespace Loopscope {

//! Before a Q*Application exists: gives Qt a private XDG_RUNTIME_DIR when none is set
//! (containers, CI), so it does not warn on every start. Safe to call more than once.
void prepareQtEnvironment();

} // namespace Loopscope
