#include "training_metrics.h"

#include <algorithm>
#include <cmath>

namespace tandem {

namespace {
constexpr double kThroughputSmoothing = 0.95; // samples/s per step is noisy; its trend matters
}

TrainingMetrics::TrainingMetrics()
{
    clear();
}

double TrainingMetrics::Smoother::add(double value)
{
    if (!std::isfinite(value))
        return debias < 1.0 ? last / (1.0 - debias) : value;
    last = last * weight + (1.0 - weight) * value;
    debias *= weight;
    return debias < 1.0 ? last / (1.0 - debias) : value;
}

void TrainingMetrics::clear()
{
    m_loss.clear();
    m_smoothedLoss.clear();
    m_throughput.clear();
    m_smoothedThroughput.clear();
    m_trainAccuracy.clear();
    m_valAccuracy.clear();
    m_valLoss.clear();
    m_lossSmoother = Smoother{m_smoothing};
    m_throughputSmoother = Smoother{kThroughputSmoothing};
    m_stageMs.clear();
    m_stagePresent.fill(false);
    m_epochsDone = 0;
    m_bestValAccuracy = 0.0;
}

void TrainingMetrics::addStep(const StepPoint &point)
{
    const double step = double(m_loss.size() + 1);
    m_loss.append(step, point.loss);
    m_smoothedLoss.append(step, m_lossSmoother.add(point.loss));
    m_throughput.append(step, point.samplesPerSecond);
    m_smoothedThroughput.append(step, m_throughputSmoother.add(point.samplesPerSecond));
}

void TrainingMetrics::addEpoch(const EpochPoint &point)
{
    const double epoch = double(point.epoch) + 1.0;
    if (point.split == protocol::Split::Val) {
        m_valAccuracy.append(epoch, 100.0 * point.accuracy);
        m_valLoss.append(epoch, point.meanLoss);
        m_bestValAccuracy = std::max(m_bestValAccuracy, double(point.accuracy));
    } else if (point.split == protocol::Split::Train) {
        m_trainAccuracy.append(epoch, 100.0 * point.accuracy);
        m_epochsDone = std::max(m_epochsDone, int(point.epoch) + 1);
    }
}

void TrainingMetrics::addBatch(const BatchRecord &record)
{
    std::array<float, protocol::kStageCount> ms{};
    for (const protocol::Span &span : record.spans) {
        const int stage = int(span.stage);
        if (stage < 0 || stage >= protocol::kStageCount || span.endNs < span.startNs)
            continue;
        ms[std::size_t(stage)] += float(double(span.endNs - span.startNs) / 1e6);
        m_stagePresent[std::size_t(stage)] = true;
    }
    m_stageMs.push_back(ms);
}

void TrainingMetrics::load(const RunRecord &record)
{
    clear();
    m_loss.reserve(record.steps.size());
    m_smoothedLoss.reserve(record.steps.size());
    for (const StepPoint &step : record.steps)
        addStep(step);
    for (const EpochPoint &epoch : record.epochs)
        addEpoch(epoch);
    m_stageMs.reserve(record.batches.size());
    for (const BatchRecord &batch : record.batches)
        addBatch(batch);
}

void TrainingMetrics::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    rebuildSmoothed();
}

void TrainingMetrics::rebuildSmoothed()
{
    m_smoothedLoss.clear();
    m_smoothedLoss.reserve(m_loss.size());
    m_lossSmoother = Smoother{m_smoothing};
    for (std::size_t i = 0; i < m_loss.size(); ++i)
        m_smoothedLoss.append(m_loss.xAt(i), m_lossSmoother.add(m_loss.yAt(i)));
}

TrainingMetrics::StageProfile TrainingMetrics::stageProfile(double x0, double x1, int columns) const
{
    StageProfile profile;
    profile.present = m_stagePresent;
    if (m_stageMs.empty())
        return profile;
    columns = std::max(1, columns);
    // Batch n (1-based) is at x = n.
    const auto first = std::size_t(std::clamp(std::ceil(x0), 1.0, double(m_stageMs.size())) - 1);
    const auto last = std::size_t(std::clamp(std::floor(x1), 1.0, double(m_stageMs.size())) - 1);
    if (last < first)
        return profile;
    const std::size_t count = last - first + 1;
    const std::size_t perBucket = std::max<std::size_t>(1, (count + std::size_t(columns) - 1) / std::size_t(columns));
    for (std::size_t begin = first; begin <= last; begin += perBucket) {
        const std::size_t end = std::min(last + 1, begin + perBucket);
        std::array<double, protocol::kStageCount> sum{};
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t s = 0; s < sum.size(); ++s)
                sum[s] += m_stageMs[i][s];
        const double n = double(end - begin);
        for (double &value : sum)
            value /= n;
        profile.x.push_back(double(begin + end + 1) / 2.0); // mean of the 1-based batch numbers
        profile.ms.push_back(sum);
    }
    return profile;
}

} // namespace tandem
