#include "epoch_plan.h"

#include "common/seeded_random.h"

#include <algorithm>

namespace tandem {

EpochPlan::EpochPlan(const DatasetIndex &index, int batchSize, quint64 seed)
    : m_batchSize(std::max(1, batchSize)), m_seed(seed)
{
    const auto &samples = index.samples();
    for (size_t i = 0; i < samples.size(); ++i) {
        const IndexedSample &s = samples[i];
        SampleRef ref{s.path, s.label, quint64(i)};
        (s.split == SampleSplit::Train ? m_train : m_val).push_back(std::move(ref));
    }
}

std::vector<std::vector<SampleRef>> EpochPlan::batches(quint32 epoch, SampleSplit split) const
{
    std::vector<SampleRef> order = split == SampleSplit::Train ? m_train : m_val;
    if (split == SampleSplit::Train) {
        // Fisher–Yates driven by SeededRandom, not std::shuffle (whose algorithm is the standard
        // library's): the same seed gives the same order on every platform and compiler.
        SeededRandom random(SeededRandom::mix(m_seed, quint64(epoch)));
        random.shuffle(order);
    }
    std::vector<std::vector<SampleRef>> out;
    out.reserve((order.size() + size_t(m_batchSize) - 1) / size_t(m_batchSize));
    for (size_t i = 0; i < order.size(); i += size_t(m_batchSize)) {
        const auto end = order.begin() + qsizetype(std::min(order.size(), i + size_t(m_batchSize)));
        out.emplace_back(std::make_move_iterator(order.begin() + qsizetype(i)), std::make_move_iterator(end));
    }
    return out;
}

int EpochPlan::batchCount(SampleSplit split) const
{
    const qint64 n = sampleCount(split);
    return int((n + m_batchSize - 1) / m_batchSize);
}

qint64 EpochPlan::sampleCount(SampleSplit split) const
{
    return qint64(split == SampleSplit::Train ? m_train.size() : m_val.size());
}

} // namespace tandem
