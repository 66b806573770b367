#include "timing/timing_summary.h"

#include "timing/run_record.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace tandem {

using protocol::Host;
using protocol::Stage;
using Intervals = std::vector<std::pair<qint64, qint64>>;

namespace {

constexpr double kNsPerMs = 1e6;
constexpr double kNsPerSecond = 1e9;

QString stageLabel(Stage stage)
{
    const auto label = protocol::stageInfo(stage).label;
    return QString::fromUtf8(label.data(), qsizetype(label.size()));
}

int percent(double fraction)
{
    return int(std::lround(fraction * 100.0));
}

// The resources that stages share; waiting stages use none.
enum class Resource { Preprocessing, Upload, AgentInput, Device, ReturnPath, None };
constexpr int kResourceCount = int(Resource::None);

Resource resourceOf(Stage stage)
{
    switch (stage) {
    case Stage::Read:
    case Stage::Decode:
    case Stage::Transform:
    case Stage::Encode: return Resource::Preprocessing;
    case Stage::Send:
    case Stage::Network: return Resource::Upload;
    case Stage::Receive:
    case Stage::Unpack: return Resource::AgentInput;
    case Stage::HostToDevice:
    case Stage::Forward:
    case Stage::Backward:
    case Stage::OptimizerStep: return Resource::Device;
    case Stage::MetricsReturn: return Resource::ReturnPath;
    case Stage::CreditWait:
    case Stage::QueueWait: return Resource::None;
    }
    return Resource::None;
}

QString resourceName(Resource resource)
{
    switch (resource) {
    case Resource::Preprocessing: return QStringLiteral("the desktop's preprocessing");
    case Resource::Upload: return QStringLiteral("the upload");
    case Resource::AgentInput: return QStringLiteral("the agent's input");
    case Resource::Device: return QStringLiteral("the agent's device");
    case Resource::ReturnPath: return QStringLiteral("the return path");
    case Resource::None: break;
    }
    return {};
}

qint64 sumOfDurations(const std::vector<std::pair<qint64, qint64>> &intervals)
{
    qint64 sum = 0;
    for (const auto &[start, end] : intervals)
        sum += std::max<qint64>(0, end - start);
    return sum;
}

QString verdictFor(const TimingSummary &summary, const std::array<qint64, protocol::kStageCount> &busyNs,
                   qint64 agentBusyNs)
{
    if (!summary.hasBottleneck)
        return QStringLiteral("no stage timings were recorded");

    const Stage stage = summary.bottleneck;
    const StageStats *stats = summary.stats(stage);
    const int busy = percent(stats ? stats->busyFraction : 0.0);
    const int agentBusy = percent(summary.agentBusyFraction);

    switch (resourceOf(stage)) {
    case Resource::Device: {
        const qint64 fwdBwd = busyNs[size_t(Stage::Forward)] + busyNs[size_t(Stage::Backward)];
        if (agentBusyNs > 0 && fwdBwd > 0) {
            return QStringLiteral("compute-bound: forward+backward is %1% of the agent's busy time; "
                                  "the agent works %2% of the wall time")
                .arg(percent(double(fwdBwd) / double(agentBusyNs)))
                .arg(agentBusy);
        }
        return QStringLiteral("compute-bound: %1 is busy %2% of the wall time").arg(stageLabel(stage)).arg(busy);
    }
    case Resource::Preprocessing:
        return QStringLiteral("preprocessing-bound: the desktop's preprocessing is busy %1% of its capacity, "
                              "most of it in %2; the agent works only %3% of the wall time")
            .arg(percent(summary.bottleneckUtilisation))
            .arg(stageLabel(stage))
            .arg(agentBusy);
    case Resource::Upload:
        return QStringLiteral("upload-bound: %1 is busy %2% of the wall time; "
                              "the agent works only %3% of it")
            .arg(stageLabel(stage))
            .arg(busy)
            .arg(agentBusy);
    case Resource::ReturnPath:
        return QStringLiteral("return-path-bound: metrics return is busy %1% of the wall time").arg(busy);
    case Resource::AgentInput:
    case Resource::None: break;
    }
    // Receive, unpack: the agent's input side.
    return QStringLiteral("agent-input-bound: %1 is busy %2% of the wall time").arg(stageLabel(stage)).arg(busy);
}

} // namespace

bool TimingSummary::isWaitStage(Stage stage)
{
    return stage == Stage::CreditWait || stage == Stage::QueueWait;
}

double TimingSummary::percentile(const std::vector<double> &sortedValues, double fraction)
{
    if (sortedValues.empty())
        return 0.0;
    const double clamped = std::clamp(fraction, 0.0, 1.0);
    const double rank = clamped * double(sortedValues.size() - 1);
    const auto lower = size_t(std::floor(rank));
    const size_t upper = std::min(lower + 1, sortedValues.size() - 1);
    const double weight = rank - double(lower);
    return sortedValues[lower] + (sortedValues[upper] - sortedValues[lower]) * weight;
}

qint64 TimingSummary::unionLengthNs(Intervals intervals)
{
    std::sort(intervals.begin(), intervals.end());
    qint64 total = 0;
    bool open = false;
    qint64 runStart = 0;
    qint64 runEnd = 0;
    for (const auto &[start, end] : intervals) {
        if (end <= start)
            continue;
        if (open && start <= runEnd) {
            runEnd = std::max(runEnd, end);
            continue;
        }
        if (open)
            total += runEnd - runStart;
        open = true;
        runStart = start;
        runEnd = end;
    }
    if (open)
        total += runEnd - runStart;
    return total;
}

int TimingSummary::peakConcurrency(const Intervals &intervals)
{
    // Sweep: +1 at each start, −1 at each end; ends sort before starts at the same instant, so
    // back-to-back spans do not count as concurrent.
    std::vector<std::pair<qint64, int>> edges;
    edges.reserve(intervals.size() * 2);
    for (const auto &[start, end] : intervals) {
        if (end <= start)
            continue;
        edges.emplace_back(start, +1);
        edges.emplace_back(end, -1);
    }
    std::sort(edges.begin(), edges.end());
    int current = 0;
    int peak = 0;
    for (const auto &[time, delta] : edges) {
        current += delta;
        peak = std::max(peak, current);
    }
    return peak;
}

const StageStats *TimingSummary::stats(Stage stage) const
{
    const auto it =
        std::find_if(stages.begin(), stages.end(), [stage](const StageStats &s) { return s.stage == stage; });
    return it == stages.end() ? nullptr : &*it;
}

TimingSummary::ActiveClock::ActiveClock(Intervals pauses)
{
    std::sort(pauses.begin(), pauses.end());
    for (const auto &[start, end] : pauses) {
        if (end <= start)
            continue;
        if (!m_pauses.empty() && start <= m_pauses.back().second) { // overlapping: merge
            const qint64 extra = std::max<qint64>(0, end - m_pauses.back().second);
            m_pauses.back().second += extra;
            m_total += extra;
            continue;
        }
        m_before.push_back(m_total);
        m_pauses.emplace_back(start, end);
        m_total += end - start;
    }
}

qint64 TimingSummary::ActiveClock::operator()(qint64 t) const
{
    // The last pause that starts at or before t.
    const auto it = std::upper_bound(m_pauses.begin(), m_pauses.end(), t,
                                     [](qint64 value, const std::pair<qint64, qint64> &p) { return value < p.first; });
    if (it == m_pauses.begin())
        return t;
    const size_t i = size_t(it - m_pauses.begin()) - 1;
    const auto &[start, end] = m_pauses[i];
    if (t < end)
        return start - m_before[i]; // inside the pause
    return t - m_before[i] - (end - start);
}

TimingSummary TimingSummary::compute(const RunRecord &record)
{
    TimingSummary summary;
    std::array<Intervals, protocol::kStageCount> spansByStage;
    Intervals agentWork;
    const ActiveClock active(record.pauses);
    for (const BatchRecord &batch : record.batches) {
        ++summary.batches;
        summary.samples += batch.samples;
        summary.wireBytes += batch.wireBytes;
        for (const protocol::Span &span : batch.spans) {
            const auto index = size_t(span.stage);
            if (index >= spansByStage.size())
                continue;
            const qint64 start = active(span.startNs);
            const qint64 end = std::max(start, active(span.endNs));
            spansByStage[index].emplace_back(start, end);
            if (protocol::stageInfo(span.stage).host == Host::Agent && !isWaitStage(span.stage))
                agentWork.emplace_back(start, end);
        }
    }

    const qint64 wallNs = std::max<qint64>(0, active(record.endNs()) - active(record.originNs()));
    summary.pausedSeconds = double(active.pausedNs()) / kNsPerSecond;
    summary.wallSeconds = double(wallNs) / kNsPerSecond;
    summary.uncertaintyMs = double(record.clockUncertaintyNs) / kNsPerMs;
    if (summary.wallSeconds > 0.0)
        summary.samplesPerSecond = double(summary.samples) / summary.wallSeconds;
    if (summary.samples > 0)
        summary.wireBytesPerSample = double(summary.wireBytes) / double(summary.samples);

    std::array<qint64, protocol::kStageCount> busyNs{};
    qint64 sequentialNs = 0;
    qint64 slowestNs = 0;
    for (size_t index = 0; index < spansByStage.size(); ++index) {
        const Intervals &spans = spansByStage[index];
        if (spans.empty())
            continue;
        StageStats stats;
        stats.stage = Stage(index);
        stats.count = int(spans.size());
        std::vector<double> durations;
        durations.reserve(spans.size());
        for (const auto &[start, end] : spans)
            durations.push_back(double(end - start) / kNsPerMs);
        std::sort(durations.begin(), durations.end());
        stats.meanMs = std::accumulate(durations.begin(), durations.end(), 0.0) / double(durations.size());
        stats.p50Ms = percentile(durations, 0.50);
        stats.p95Ms = percentile(durations, 0.95);
        stats.p99Ms = percentile(durations, 0.99);
        busyNs[index] = unionLengthNs(spans);
        stats.busyMs = double(busyNs[index]) / kNsPerMs;
        stats.busyFraction = wallNs > 0 ? double(busyNs[index]) / double(wallNs) : 0.0;
        stats.peakConcurrency = peakConcurrency(spans);
        if (wallNs > 0 && stats.peakConcurrency > 0)
            stats.utilisation = double(sumOfDurations(spans)) / (double(wallNs) * stats.peakConcurrency);
        summary.stages.push_back(stats);

        if (isWaitStage(stats.stage))
            continue;
        sequentialNs += busyNs[index];
    }

    // The bottleneck: the resource with the highest utilisation, then its busiest stage.
    std::array<Intervals, kResourceCount> byResource;
    for (size_t index = 0; index < spansByStage.size(); ++index) {
        const Resource resource = resourceOf(Stage(index));
        if (resource != Resource::None)
            byResource[size_t(resource)].insert(byResource[size_t(resource)].end(), spansByStage[index].begin(),
                                                spansByStage[index].end());
    }
    int bestResource = -1;
    double bestUtilisation = -1.0;
    for (int r = 0; r < kResourceCount; ++r) {
        const Intervals &spans = byResource[size_t(r)];
        const int peak = peakConcurrency(spans);
        if (spans.empty() || peak == 0)
            continue;
        const double utilisation = wallNs > 0 ? double(sumOfDurations(spans)) / (double(wallNs) * peak) : 0.0;
        // The resource's busy time with its capacity counted once: on a serial resource (the trainer
        // thread) the union of its stages' spans; on a pool, the work spread over its workers.
        const qint64 resourceNs = sumOfDurations(spans) / peak;
        if (resourceNs > slowestNs) {
            slowestNs = resourceNs;
            summary.slowestResource = resourceName(Resource(r));
        }
        if (utilisation > bestUtilisation) {
            bestUtilisation = utilisation;
            bestResource = r;
        }
    }
    if (bestResource >= 0) {
        qint64 busiest = -1;
        for (size_t index = 0; index < spansByStage.size(); ++index) {
            if (int(resourceOf(Stage(index))) == bestResource && !spansByStage[index].empty() &&
                busyNs[index] > busiest) {
                busiest = busyNs[index];
                summary.bottleneck = Stage(index);
            }
        }
        summary.hasBottleneck = true;
        summary.bottleneckUtilisation = bestUtilisation;
        summary.bottleneckResource = resourceName(Resource(bestResource));
    }

    const qint64 agentBusyNs = unionLengthNs(agentWork);
    summary.agentBusyFraction = wallNs > 0 ? double(agentBusyNs) / double(wallNs) : 0.0;
    summary.sequentialSeconds = double(sequentialNs) / kNsPerSecond;
    summary.slowestStageBusySeconds = double(slowestNs) / kNsPerSecond;
    if (slowestNs > 0)
        summary.overlapEfficiency = double(wallNs) / double(slowestNs);
    if (wallNs > 0)
        summary.sequentialOverWall = double(sequentialNs) / double(wallNs);
    summary.verdict = verdictFor(summary, busyNs, agentBusyNs);
    return summary;
}

} // namespace tandem
