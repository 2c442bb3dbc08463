#pragma once

#include <QString>

#include <utility>
#include <vector>

namespace Loopscope {

//! What importing a foreign trace could not show, or had to guess, counted by kind, so that a
//! person is told instead of left to wonder ("skipped 12 'O' object events, 3 unmatched E").
//!
//! Kinds are short noun phrases that read after a count; each kind is listed once, in the order
//! it was first met. A Loopscope trace (read strictly) leaves the report empty. Plain value;
//! any thread.
struct TraceImportReport
{
    //! Events not shown at all, e.g. {"'O' object events", 12}.
    std::vector<std::pair<QString, qint64>> skipped;
    //! Events shown, but completed by a guess, e.g. {"B without E, drawn to the end", 2}.
    std::vector<std::pair<QString, qint64>> guessed;

    void addSkipped(const QString &kind, qint64 count = 1) { add(skipped, kind, count); }
    void addGuessed(const QString &kind, qint64 count = 1) { add(guessed, kind, count); }
    //! How many were skipped of kind (0: none).
    qint64 skippedCount(const QString &kind) const { return countOf(skipped, kind); }
    qint64 guessedCount(const QString &kind) const { return countOf(guessed, kind); }
    bool isEmpty() const { return skipped.empty() && guessed.empty(); }
    //! One line: "skipped 12 'O' object events, 3 unmatched E; 2 B without E, drawn to the
    //! end", or "" when empty.
    QString text() const;

private:
    using Counts = std::vector<std::pair<QString, qint64>>;
    static void add(Counts &counts, const QString &kind, qint64 count);
    static qint64 countOf(const Counts &counts, const QString &kind);
};

} // namespace Loopscope
