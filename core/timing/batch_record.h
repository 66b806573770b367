// The timing of one batch through every stage on both hosts, on the client's clock.
#pragma once

#include "protocol/messages.h"

#include <QtGlobal>

#include <vector>

namespace tandem {

struct BatchRecord {
    quint64 seq = 0;
    quint32 epoch = 0;
    protocol::Split split = protocol::Split::Train;
    int samples = 0;
    qint64 wireBytes = 0; // the encoded batch message as sent, fragments included
    // All on the CLIENT's monotonic clock: the session maps agent spans with
    // ClockOffsetEstimator::toClientNs before storing them. A stage may appear more than once.
    std::vector<protocol::Span> spans;
    // ± bound of the clock offset its agent spans were mapped with: the estimate current when its
    // metrics arrived. Early batches may see a wide one, before the ping burst has found a short
    // round trip; a drifting remote clock is why each batch keeps the estimate of its own time.
    qint64 clockUncertaintyNs = 0;
};

} // namespace tandem
