#include "epoch_plan.h"

#include <algorithm>
#include <random>

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
        // std::mt19937_64 is specified exactly by the standard, so the order repeats across
        // platforms; the shuffle itself is the library's.
        std::mt19937_64 rng(m_seed * 0x9E3779B97F4A7C15ULL + epoch + 1);
        std::shuffle(order.begin(), order.end(), rng);
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
