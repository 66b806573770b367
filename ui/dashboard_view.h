// The live dashboards: loss, accuracy, throughput and per-stage latency, with the bottleneck verdict.
#pragma once

#include "metrics/training_metrics.h"
#include "session/training_session.h"
#include "timing/timing_summary.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QGridLayout;
class QLabel;
class QSlider;
QT_END_NAMESPACE

namespace tandem {

class LiveLineChart;
class StageLatencyChart;
class StatTile;

// Messages only append to TrainingMetrics and mark the view dirty; a timer redraws at most every
// kRedrawMs (or twice the last redraw's time, if that is longer), so a fast agent sending
// thousands of steps a second costs one redraw per tick. Charts are decimated to their pixel
// width: a million loss points draw like two thousand.
class DashboardView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)
public:
    static constexpr int kRedrawMs = 50;
    static constexpr int kSummaryMs = 1000; // the timing summary walks every span: once a second

    explicit DashboardView(QWidget *parent = nullptr);

    void attach(TrainingSession *session);
    // Shows a finished or loaded run (Open session…).
    void showRecord(const RunRecord &record);
    void clear();

    void setSmoothing(double weight);
    [[nodiscard]] double smoothing() const { return m_metrics.smoothing(); }

    // Redraws now (tests, benchmarks); normally the timer does this.
    void redrawNow();

    [[nodiscard]] TrainingMetrics &metrics() { return m_metrics; }
    [[nodiscard]] LiveLineChart *lossChart() const { return m_loss; }
    [[nodiscard]] LiveLineChart *accuracyChart() const { return m_accuracy; }
    [[nodiscard]] LiveLineChart *throughputChart() const { return m_throughput; }
    [[nodiscard]] StageLatencyChart *stageChart() const { return m_stages; }
    [[nodiscard]] QString verdictText() const;
    [[nodiscard]] int redrawCount() const { return m_redraws; }

Q_SIGNALS:
    void smoothingChanged(double weight);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    // Six tiles in a row where they fit, else two rows of three (a 1024 px window).
    void flowTiles();
    void markDirty();
    void updateSummary();
    void updateTiles();
    void setVerdict(const TimingSummary &summary);

    QPointer<TrainingSession> m_session;
    TrainingMetrics m_metrics;
    QGridLayout *m_tiles = nullptr;
    int m_tileColumns = 0;
    TimingSummary m_summary;
    bool m_haveSummary = false;
    QTimer m_redrawTimer;
    QElapsedTimer m_sinceSummary;
    QElapsedTimer m_sinceStart;
    qint64 m_elapsedMs = 0; // frozen when the run ends
    bool m_batchesSinceSummary = false;
    qint64 m_samplesDone = 0;
    qint64 m_samplesTotal = 0;
    int m_epoch = 0;
    int m_epochs = 0;
    int m_redraws = 0;

    LiveLineChart *m_loss;
    LiveLineChart *m_accuracy;
    LiveLineChart *m_throughput;
    StageLatencyChart *m_stages;
    QSlider *m_smoothing;
    QLabel *m_smoothingValue;
    QLabel *m_verdictIcon;
    QLabel *m_verdict;
    QLabel *m_verdictDetail;
    StatTile *m_lossTile;
    StatTile *m_accuracyTile;
    StatTile *m_speedTile;
    StatTile *m_progressTile;
    StatTile *m_elapsedTile;
    StatTile *m_overlapTile;
};

} // namespace tandem
