// Per-stage latency statistics, throughput, overlap and the bottleneck of one run.
#pragma once

#include "common/stage.h"

#include <QString>

#include <utility>
#include <vector>

namespace tandem {

struct RunRecord;

struct StageStats {
    protocol::Stage stage = protocol::Stage::Read;
    int count = 0; // spans of this stage
    // Per-span durations; percentiles interpolate linearly between closest ranks.
    double meanMs = 0.0;
    double p50Ms = 0.0;
    double p95Ms = 0.0;
    double p99Ms = 0.0;
    // Busy time is the length of the UNION of the stage's spans, not their sum: spans of one stage
    // from concurrent batches overlap (several decode workers, several batches on the wire), and
    // the stage is busy while at least one of them runs.
    double busyMs = 0.0;
    // busyMs over the run's wall time: the share of the run during which this stage was doing
    // something. A serial stage (the GPU's forward pass) near 1.0 is saturated and limits
    // throughput; a stage with N parallel workers at 1.0 may still have idle workers.
    double busyFraction = 0.0;
    // The most spans of this stage ever in progress at once: 1 for a serial stage, the number of
    // workers (or batches on the wire) for a parallel one.
    int peakConcurrency = 0;
    // Sum of durations over (wall × peakConcurrency): how much of the capacity the stage showed it
    // has was used. Unlike busyFraction, a 4-worker stage with every worker 30% busy reads 0.3.
    double utilisation = 0.0;
};

struct TimingSummary {
    std::vector<StageStats> stages; // the stages present in the record, in pipeline order
    int batches = 0;
    qint64 samples = 0;
    qint64 wireBytes = 0;
    double wallSeconds = 0.0;
    double samplesPerSecond = 0.0; // every batch's samples (train, val and infer) over wall time
    double wireBytesPerSample = 0.0;
    // What the same work would take with the stages run one after another: the sum of the busy
    // times of the working stages. Credit wait and queue wait are left out: they are waiting that
    // only exists because the stages run concurrently.
    double sequentialSeconds = 0.0;
    // The busy time of the slowest resource (a thread, a pool, the link: see bottleneck below), its
    // capacity counted once: forward and backward run on one trainer thread one after the other, so
    // they add up here, and N preprocessing workers count as N. The slowest resource bounds the wall time.
    double slowestStageBusySeconds = 0.0;
    QString slowestResource;
    // Wall time over the slowest resource's busy time. Never below 1.0 (a run cannot be shorter
    // than its slowest resource); 1.0 is perfect overlap: everything else hid behind it.
    double overlapEfficiency = 0.0;
    // "Overlap gain", as the dashboard and the report both call it: one stage at a time over the
    // wall time, the speed-up of overlapping over running the stages one after another.
    double sequentialOverWall = 0.0;
    // Paused time left out of every figure (wall time included): the summary counts active time only.
    double pausedSeconds = 0.0;
    // Share of wall time during which the agent was working (any agent stage but queue wait).
    double agentBusyFraction = 0.0;
    // The bottleneck is found per resource, not per stage: stages that share one resource run one
    // after another (read → decode → transform → encode on a preprocessing worker; host-to-device,
    // forward, backward and step on the agent's device), so the resource with the highest
    // utilisation (see StageStats) limits throughput. The bottleneck stage is that resource's
    // busiest stage.
    bool hasBottleneck = false;
    protocol::Stage bottleneck = protocol::Stage::Read;
    double bottleneckUtilisation = 0.0; // of the bottleneck's resource
    QString bottleneckResource;         // for people: "the agent's device", "the upload", …
    // One line for people, e.g. "compute-bound: forward+backward is 71% of the agent's busy time".
    QString verdict;
    // ± bound on every figure that crosses hosts (network, metrics return, cross-host gaps).
    double uncertaintyMs = 0.0;

    [[nodiscard]] static TimingSummary compute(const RunRecord &record);

    [[nodiscard]] const StageStats *stats(protocol::Stage stage) const;

    // Waiting stages measure the pipeline's slack, not work: never a bottleneck, not "sequential".
    [[nodiscard]] static bool isWaitStage(protocol::Stage stage);
    // Linear interpolation between closest ranks (numpy's default) over ascending values;
    // fraction in [0, 1]. 0 for no values.
    [[nodiscard]] static double percentile(const std::vector<double> &sortedValues, double fraction);
    // Total length covered by half-open intervals [start, end), overlaps counted once.
    [[nodiscard]] static qint64 unionLengthNs(std::vector<std::pair<qint64, qint64>> intervals);
    // The most half-open intervals that overlap at any instant.
    [[nodiscard]] static int peakConcurrency(const std::vector<std::pair<qint64, qint64>> &intervals);
    // Maps client-clock instants onto active time: the paused intervals are cut out of the timeline
    // (an instant inside one maps to its start), so a span that waited across a pause is as long as
    // its active part and everything after a pause moves up by the pause's length.
    class ActiveClock {
    public:
        explicit ActiveClock(std::vector<std::pair<qint64, qint64>> pauses);
        [[nodiscard]] qint64 operator()(qint64 t) const;
        [[nodiscard]] qint64 pausedNs() const { return m_total; }

    private:
        std::vector<std::pair<qint64, qint64>> m_pauses; // sorted, disjoint
        std::vector<qint64> m_before;                    // paused time before each pause
        qint64 m_total = 0;
    };
};

} // namespace tandem
