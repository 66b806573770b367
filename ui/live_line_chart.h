// A live line chart over DecimatedSeries: loss per step, accuracy per epoch, samples per second.
#pragma once

#include "zoomable_chart_view.h"

#include <QColor>
#include <QList>

QT_BEGIN_NAMESPACE
class QLineSeries;
QT_END_NAMESPACE

namespace tandem {

class DecimatedSeries;

class LiveLineChart : public ZoomableChartView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveLineChart)
public:
    struct Line {
        QString name;
        const DecimatedSeries *source = nullptr; // not owned; outlives the chart
        QColor color;
        qreal width = 1.5;
        bool points = false; // draw markers (few points, e.g. one per epoch)
        qreal opacity = 1.0;
    };

    LiveLineChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent = nullptr);

    // Returns the line's index.
    int addLine(const Line &line);
    [[nodiscard]] int lineCount() const { return int(m_lines.size()); }
    // The chart series drawn for a line (after the last redraw: decimated points).
    [[nodiscard]] QLineSeries *series(int line) const;
    void setLineVisible(int line, bool visible);

protected:
    [[nodiscard]] std::optional<std::pair<double, double>> dataXRange() const override;
    std::optional<std::pair<double, double>> redrawSeries(double x0, double x1, int columns) override;
    [[nodiscard]] bool hasData() const override;

private:
    struct Entry {
        Line line;
        QLineSeries *series = nullptr; // owned by the chart
    };
    QList<Entry> m_lines;
};

} // namespace tandem
