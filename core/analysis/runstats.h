#pragma once

#include "traceevent.h"

#include <QtGlobal>

#include <array>

namespace Loopscope {

//! The figures of a run: what the Stats panel shows and the summary's `stats` object writes.
//! Plain data, computed by RunAnalysis::compute; any thread. Each figure's definition is given
//! once, here.
//!
//! "Top-level work" is every task, coroutine or executor job that no other counted unit
//! encloses (main does not count, nor do generator steps), so nested coroutines are not counted
//! twice. "The live edge" is the data's latest event (or the caller's now, if later); open
//! intervals end there.
struct RunStats
{
    //! The run's length: RunInfo::totalNs once the run has finished, else the live edge.
    qint64 totalNs = 0;
    //! Sum of the time top-level work spent running or waiting (time pending, queued for a slot
    //! or ready left out): what doing it one after another would take.
    qint64 sequentialNs = 0;
    //! sequentialNs / totalNs: how much concurrency saved (0 if either is 0).
    double speedUp = 0;
    //! "Most at once": the greatest number of top-level units running or waiting at the same
    //! moment. Queued and ready do not count, and neither does the short run a task makes only to
    //! reach a slot's queue (a running interval followed by queued: the acquire of a full
    //! semaphore), so a Semaphore(3) run gives 3. A unit ending at the instant another starts
    //! does not overlap it.
    int maxConcurrency = 0;
    qint64 maxConcurrencyAtNs = 0; //!< the first moment maxConcurrency was reached
    //! The longest time the event loop was blocked, so that no other task could run: the longest
    //! of RunAnalysis::loopBlocked() (a long run while others were ready, or a loop lag). 0: none.
    qint64 longestStallNs = 0;
    qint64 longestStallAtNs = -1; //!< where that stall started; -1: no stall
    //! Every unit but main (generator steps included), ended or not.
    int units = 0;
    //! units by outcome, indexed by Outcome; Outcome::None counts the units not ended (yet).
    std::array<int, 6> outcomes {};
};

} // namespace Loopscope
