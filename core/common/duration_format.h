// Formats a duration for people: the one formatter of elapsed times, ETAs and report figures.
#pragma once

#include <QString>

namespace tandem {

enum class DurationStyle : quint8 {
    Clock, // 0:07, 12:05, 1:02:09: whole seconds, for live elapsed times and ETAs
    Words, // 4.83 s, 48.6 s, 12 min 05 s, 1 h 02 min: for summaries and reports
};

// Negative and non-finite durations give "–" (there is nothing sensible to show).
[[nodiscard]] QString formatDuration(double seconds, DurationStyle style);

} // namespace tandem
