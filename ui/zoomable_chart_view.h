// A chart view that follows its data, zooms in x with the wheel or a dragged band, and redraws
// only when asked: the base of the dashboard's charts.
#pragma once

#include <QChartView>

#include <optional>
#include <utility>

QT_BEGIN_NAMESPACE
class QValueAxis;
QT_END_NAMESPACE

namespace tandem {

// Subclasses fill the chart's series for the visible x range in redrawSeries(), decimated to the
// plot's width; the view never redraws per message, only when redraw() is called (by the
// dashboard's timer) or when a person zooms or resizes it.
class ZoomableChartView : public QChartView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ZoomableChartView)
public:
    ZoomableChartView(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent = nullptr);

    // Recomputes the visible range (when following the data) and the series.
    void redraw();
    // Back to following all the data (also: right click, double click).
    void resetZoom();
    [[nodiscard]] bool isFollowing() const { return m_following; }
    [[nodiscard]] QValueAxis *xAxis() const { return m_xAxis; }
    [[nodiscard]] QValueAxis *yAxis() const { return m_yAxis; }
    // Shown over an empty plot, e.g. "Waiting for the first training step".
    void setPlaceholder(const QString &text);
    // The smallest x span shown while following (so that three points don't fill the width).
    void setMinimumXSpan(double span) { m_minXSpan = span; }
    // While following, the x axis starts here and ends this far after the last point.
    void setXOrigin(double origin) { m_xOrigin = origin; }
    void setXEndPadding(double padding) { m_xEndPadding = padding; }
    // Keep y = 0 in view (loss, throughput, latency: the scale is honest about magnitude).
    void setYIncludesZero(bool include) { m_yIncludesZero = include; }
    // A fixed y range instead of the data's (accuracy in percent).
    void setFixedYRange(double lo, double hi);
    // Applies the palette after a theme change.
    void restyle();

protected:
    // The x extent of all data; nullopt when there is none.
    [[nodiscard]] virtual std::optional<std::pair<double, double>> dataXRange() const = 0;
    // Replaces every series for [x0, x1] on `columns` pixel columns and returns the y range drawn.
    virtual std::optional<std::pair<double, double>> redrawSeries(double x0, double x1, int columns) = 0;
    [[nodiscard]] virtual bool hasData() const = 0;
    // Paints what Qt Charts would draw too slowly (filled bands), in scene coordinates, clipped to
    // the plot; toPlot() maps data to those coordinates. Default: nothing.
    virtual void paintPlot(QPainter &painter, const QRectF &plot);
    [[nodiscard]] QPointF toPlot(const QRectF &plot, double x, double y) const;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

    void wheelEvent(QWheelEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void setRanges(double x0, double x1, double y0, double y1);
    // Sets the range with ticks at round numbers (1, 2 or 5 × 10^n) and as many decimals as they
    // need, in the order that never asks the axis for more than a handful of ticks.
    static void setAxisRange(QValueAxis *axis, double lo, double hi, int targetTicks, bool integers);
    [[nodiscard]] static double niceStep(double span, int targetTicks);

    static constexpr double kSnapMinSpan = 50.0; // shorter ranges follow the data exactly

    QValueAxis *m_xAxis;
    QValueAxis *m_yAxis;
    QString m_placeholder;
    bool m_following = true;
    bool m_settingRanges = false;
    bool m_yIncludesZero = false;
    std::optional<std::pair<double, double>> m_fixedY;
    double m_minXSpan = 10.0;
    double m_xOrigin = 0.0;
    double m_xEndPadding = 0.0;
};

} // namespace tandem
