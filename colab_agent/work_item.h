// One entry of the trainer's queue: an unpacked batch, or a request that must wait for the batches
// queued before it (end of an epoch, weights export). Holds tensors: for libtorch sources only.
#pragma once

#include "messages.h"

#include <ATen/core/Tensor.h>

namespace tandem::agent {

struct WorkItem {
    enum class Kind { Batch, EpochEnd, Weights };
    Kind kind = Kind::Batch;

    // Kind::Batch
    quint64 seq = 0;
    quint32 epoch = 0;
    protocol::Split split = protocol::Split::Train;
    quint32 count = 0;
    at::Tensor pixels;      // uint8 N×H×W×C on the host (pinned when training on CUDA)
    at::Tensor labels;      // int64 N on the host
    qint64 firstByteNs = 0; // agent clock: first frame of the batch arrived
    qint64 arrivalNs = 0;   // last frame arrived (message complete)
    qint64 unpackStartNs = 0;
    qint64 queuedNs = 0; // unpacked and pushed into the queue
    qint64 takenNs = 0;  // taken from the queue by the trainer

    // Kind::EpochEnd
    protocol::EpochEnd epochEnd;

    // A Batch item holding copies of a checked batch's pixels and labels (labels of -1, as infer
    // batches may carry, become 0), page-locked when pinned; timestamps are left to the caller.
    // May throw c10::Error.
    [[nodiscard]] static WorkItem fromBatch(const protocol::Batch &batch, bool pinned);
};

} // namespace tandem::agent
