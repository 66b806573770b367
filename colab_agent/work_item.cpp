#include "work_item.h"

#include <ATen/Functions.h>

#include <algorithm>

namespace tandem::agent {

WorkItem WorkItem::fromBatch(const protocol::Batch &batch, bool pinned)
{
    WorkItem item;
    item.kind = Kind::Batch;
    item.seq = batch.seq;
    item.epoch = batch.epoch;
    item.split = batch.split;
    item.count = batch.count();
    const qint64 n = batch.count();
    // from_blob borrows the message's bytes: copy them out before the message goes away.
    const auto uint8 = at::TensorOptions().dtype(at::kByte);
    const at::Tensor view = at::from_blob(const_cast<char *>(batch.pixels.constData()),
                                          {n, batch.height, batch.width, batch.channels}, uint8);
    if (pinned) {
        item.pixels = at::empty(view.sizes(), uint8.pinned_memory(true));
        item.pixels.copy_(view);
    } else {
        item.pixels = view.clone();
    }
    std::vector<qint32> labels = batch.labels;
    for (qint32 &label : labels)
        label = std::max(label, 0); // infer batches may carry -1; unused there
    item.labels = at::from_blob(labels.data(), {n}, at::TensorOptions().dtype(at::kInt)).to(at::kLong);
    return item;
}

} // namespace tandem::agent
