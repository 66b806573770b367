// Per-batch latency of every working pipeline stage on both hosts, stacked, live.
#pragma once

#include "zoomable_chart_view.h"

#include "common/stage.h"

#include <array>

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QLineSeries;
QT_END_NAMESPACE

namespace tandem {

class TrainingMetrics;

// One stacked band per stage (this computer below, the wire in the middle, the agent on top),
// each batch's milliseconds averaged per bucket of a few pixel columns. Waiting (credit wait,
// queue wait) is not work and is left out of the stack; the bottleneck verdict accounts for it.
// The bands are painted here with QPainter: Qt Charts' area series took 20–30 ms to fill eleven
// antialiased bands. The chart keeps an empty area series per stage for the legend.
class StageLatencyChart : public ZoomableChartView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StageLatencyChart)
public:
    explicit StageLatencyChart(QWidget *parent = nullptr);

    void setSource(const TrainingMetrics *metrics); // not owned
    // The top line of a stage's band (cumulative milliseconds), or nullptr for a waiting stage.
    // Holds the drawn points; it is not itself a series of the chart.
    [[nodiscard]] QLineSeries *upperSeries(protocol::Stage stage) const;

protected:
    [[nodiscard]] std::optional<std::pair<double, double>> dataXRange() const override;
    std::optional<std::pair<double, double>> redrawSeries(double x0, double x1, int columns) override;
    [[nodiscard]] bool hasData() const override;
    void paintPlot(QPainter &painter, const QRectF &plot) override;

private:
    const TrainingMetrics *m_metrics = nullptr;
    QString m_title;
    std::array<QLineSeries *, protocol::kStageCount> m_upper{};
    std::array<QAreaSeries *, protocol::kStageCount> m_areas{}; // legend entries only
    std::array<bool, protocol::kStageCount> m_present{};
};

} // namespace tandem
