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
};

} // namespace tandem
