// The seeded order of batches for every epoch: shuffled training batches, then validation.
#pragma once

#include "common/sample_ref.h"
#include "dataset/dataset_index.h"

#include <vector>

namespace tandem {

class EpochPlan {
public:
    EpochPlan(const DatasetIndex &index, int batchSize, quint64 seed);

    // Batches of sample references for one epoch and split. Training order is reshuffled per
    // epoch from (seed, epoch); validation order is fixed. The last batch may be smaller.
    [[nodiscard]] std::vector<std::vector<SampleRef>> batches(quint32 epoch, SampleSplit split) const;
    [[nodiscard]] int batchCount(SampleSplit split) const;
    [[nodiscard]] qint64 sampleCount(SampleSplit split) const;
    [[nodiscard]] int batchSize() const { return m_batchSize; }

private:
    std::vector<SampleRef> m_train;
    std::vector<SampleRef> m_val;
    int m_batchSize;
    quint64 m_seed;
};

} // namespace tandem
