// A live line chart over DecimatedSeries: loss per step, accuracy per epoch, samples per second.
#pragma once

#include "zoomable_chart_view.h"

#include <QColor>
#include <QLineF>
#include <QList>
#include <QPolygonF>

#include <optional>

QT_BEGIN_NAMESPACE
class QLineSeries;
QT_END_NAMESPACE

namespace tandem {

class DecimatedSeries;

// Qt Charts draws the frame (title, axes with their ticks and labels, grid, legend, the rubber
// band); the lines themselves are painted here with QPainter from the decimated points. A
// QLineSeries rebuilds its graphics items on every replace(): about 8 ms a chart at two thousand
// points, so four charts missed the 16 ms frame on their own (bench-charts prints both ways).
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

    // Who draws the lines. Painter is the app's; QtCharts (the lines as Qt Charts series, as
    // before) is kept as the baseline that bench-charts measures against in the same run.
    enum class Backend { Painter, QtCharts };

    LiveLineChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent = nullptr);

    // Returns the line's index.
    int addLine(const Line &line);
    [[nodiscard]] int lineCount() const { return int(m_lines.size()); }
    // The points drawn for a line after the last redraw (decimated), held in a series. With the
    // Painter backend it is not itself a series of the chart: an empty one stands in the legend.
    [[nodiscard]] QLineSeries *series(int line) const;
    void setLineVisible(int line, bool visible);
    [[nodiscard]] bool isLineVisible(int line) const;

    void setBackend(Backend backend);
    [[nodiscard]] Backend backend() const { return m_backend; }

    // The hover read-out at data x: the x of the nearest point and each visible line's exact
    // value there (not a decimated one), e.g. "step 1,200 · raw 0.412 · smoothed 0.398";
    // empty when there is no data.
    [[nodiscard]] QString readoutAt(double x) const;
    // The data x under the mouse, or nullopt when the mouse is not over the plot.
    [[nodiscard]] std::optional<double> hoverX() const { return m_hoverX; }
    void setHoverX(std::optional<double> x);

protected:
    [[nodiscard]] std::optional<std::pair<double, double>> dataXRange() const override;
    std::optional<std::pair<double, double>> redrawSeries(double x0, double x1, int columns) override;
    [[nodiscard]] bool hasData() const override;
    void paintPlot(QPainter &painter, const QRectF &plot) override;

    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Entry {
        Line line;
        QLineSeries *series = nullptr; // the drawn points; in the chart only with Backend::QtCharts
        QLineSeries *legend = nullptr; // empty, in the chart for its legend marker (Painter)
        QPen pen;
        bool visible = true;
    };
    void paintReadout(QPainter &painter, const QRectF &plot);

    QList<Entry> m_lines;
    Backend m_backend = Backend::Painter;
    std::optional<double> m_hoverX;
    QString m_xTitle;
    QPolygonF m_scratch; // reused by paintPlot: no allocation per paint
    QList<QLineF> m_segments;
};

} // namespace tandem
