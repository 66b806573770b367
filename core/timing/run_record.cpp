#include "timing/run_record.h"

#include <algorithm>
#include <limits>

namespace tandem {

const char *runOutcomeName(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Unknown: return "unknown";
    case RunOutcome::Running: return "running";
    case RunOutcome::Finished: return "finished";
    case RunOutcome::Stopped: return "stopped";
    case RunOutcome::Failed: return "failed";
    }
    return "unknown";
}

qint64 RunRecord::originNs() const
{
    qint64 first = std::numeric_limits<qint64>::max();
    for (const BatchRecord &batch : batches) {
        for (const protocol::Span &span : batch.spans)
            first = std::min(first, span.startNs);
    }
    if (wallStartNs != 0 || wallEndNs != 0)
        return first == std::numeric_limits<qint64>::max() ? wallStartNs : std::min(wallStartNs, first);
    return first == std::numeric_limits<qint64>::max() ? 0 : first;
}

qint64 RunRecord::endNs() const
{
    qint64 last = std::numeric_limits<qint64>::min();
    for (const BatchRecord &batch : batches) {
        for (const protocol::Span &span : batch.spans)
            last = std::max(last, span.endNs);
    }
    if (last == std::numeric_limits<qint64>::min())
        return std::max(wallEndNs, originNs());
    return std::max(wallEndNs, last);
}

} // namespace tandem
