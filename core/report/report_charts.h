// The reports' charts, drawn as SVG strings from a run's records and summary.
#pragma once

#include "common/stage.h"

#include <QString>

namespace tandem {

struct RunRecord;
struct TimingSummary;

class ReportCharts {
public:
    // A short stretch from the middle of the run, a few batch intervals long: past the
    // pipeline's fill, before its drain.
    struct TimelineWindow {
        bool valid = false;
        qint64 startNs = 0; // client clock
        qint64 endNs = 0;
        quint64 firstSeq = 0; // the batches that worked (not only waited) inside the window
        quint64 lastSeq = 0;
    };

    static constexpr int kTimelineIntervals = 8;

    [[nodiscard]] static QString stageColor(protocol::Stage stage);
    [[nodiscard]] static QString batchColor(int index);
    [[nodiscard]] static QString seriesColor(int series); // 0: run A, 1: run B

    [[nodiscard]] static TimelineWindow timelineWindow(const RunRecord &record, int intervals = kTimelineIntervals);
    // Gantt excerpt: one row per stage grouped by host, one colour per batch, so overlap shows.
    [[nodiscard]] static QString timeline(const RunRecord &record, double width, int intervals = kTimelineIntervals);
    // The sum of the stages' busy times (run one after another) against the measured wall time.
    [[nodiscard]] static QString overlap(const TimingSummary &summary, double width);
    // Per stage: p50 bar, p95 extension, p99 tick, on a logarithmic axis (stages differ by 1000×).
    [[nodiscard]] static QString stagePercentiles(const TimingSummary &summary, double width);
    // One stacked column per batch (or per group of consecutive batches): latency split by stage.
    [[nodiscard]] static QString batchLatency(const RunRecord &record, double width);
    // Training loss per step, epoch boundaries, validation loss per epoch.
    [[nodiscard]] static QString loss(const RunRecord &record, double width);

    [[nodiscard]] static QString lossComparison(const RunRecord &a, const RunRecord &b, const QString &labelA,
                                                const QString &labelB, double width);
    [[nodiscard]] static QString stageComparison(const TimingSummary &a, const TimingSummary &b, const QString &labelA,
                                                 const QString &labelB, double width);
};

} // namespace tandem
