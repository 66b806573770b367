// What the dashboards draw, gathered from a run's messages: loss, accuracy, throughput, stages.
#pragma once

#include "decimated_series.h"
#include "common/stage.h"
#include "timing/run_record.h"

#include <array>
#include <vector>

namespace tandem {

// Appending is O(1) and never touches a chart: the dashboard draws from here on its own timer.
// Loss and throughput are indexed by the training step (1, 2, …); epoch figures by the epoch
// (1-based); stage latencies by the batch's position among all timed batches.
class TrainingMetrics {
public:
    // Per pixel column: each stage's mean milliseconds over the batches in that column.
    struct StageProfile {
        std::vector<double> x; // the column's mean batch number
        std::vector<std::array<double, protocol::kStageCount>> ms;
        std::array<bool, protocol::kStageCount> present{}; // the stage occurs in some batch
    };

    TrainingMetrics();

    void clear();
    void addStep(const StepPoint &point);
    void addEpoch(const EpochPoint &point);
    void addBatch(const BatchRecord &record);
    // Fills everything from a finished (or loaded) run.
    void load(const RunRecord &record);

    // TensorBoard's smoothing: a debiased exponential moving average with this weight, 0..0.999.
    void setSmoothing(double weight);
    [[nodiscard]] double smoothing() const { return m_smoothing; }

    [[nodiscard]] const DecimatedSeries &loss() const { return m_loss; }
    [[nodiscard]] const DecimatedSeries &smoothedLoss() const { return m_smoothedLoss; }
    [[nodiscard]] const DecimatedSeries &throughput() const { return m_throughput; }
    [[nodiscard]] const DecimatedSeries &smoothedThroughput() const { return m_smoothedThroughput; }
    [[nodiscard]] const DecimatedSeries &trainAccuracy() const { return m_trainAccuracy; }
    [[nodiscard]] const DecimatedSeries &valAccuracy() const { return m_valAccuracy; }
    [[nodiscard]] const DecimatedSeries &valLoss() const { return m_valLoss; }
    [[nodiscard]] qint64 steps() const { return qint64(m_loss.size()); }
    [[nodiscard]] qint64 batches() const { return qint64(m_stageMs.size()); }
    [[nodiscard]] int epochsDone() const { return m_epochsDone; }
    [[nodiscard]] double bestValAccuracy() const { return m_bestValAccuracy; }

    [[nodiscard]] StageProfile stageProfile(double x0, double x1, int columns) const;

private:
    // One smoothed series kept up to date point by point.
    struct Smoother {
        double weight = 0.0;
        double last = 0.0;
        double debias = 1.0; // weight^n
        [[nodiscard]] double add(double value);
    };
    void rebuildSmoothed();

    double m_smoothing = 0.9;
    DecimatedSeries m_loss;
    DecimatedSeries m_smoothedLoss;
    DecimatedSeries m_throughput;
    DecimatedSeries m_smoothedThroughput;
    DecimatedSeries m_trainAccuracy;
    DecimatedSeries m_valAccuracy;
    DecimatedSeries m_valLoss;
    Smoother m_lossSmoother;
    Smoother m_throughputSmoother;
    std::vector<std::array<float, protocol::kStageCount>> m_stageMs;
    std::array<bool, protocol::kStageCount> m_stagePresent{};
    int m_epochsDone = 0;
    double m_bestValAccuracy = 0.0;
};

} // namespace tandem
