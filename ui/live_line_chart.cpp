#include "live_line_chart.h"

#include "metrics/decimated_series.h"
#include "theme.h"

#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace tandem {

namespace {
constexpr qreal kMarkerRadius = 3.5;

void attach(QChart *chart, QLineSeries *series, QValueAxis *x, QValueAxis *y)
{
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}
} // namespace

LiveLineChart::LiveLineChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent)
    : ZoomableChartView(title, xTitle, yTitle, parent), m_xTitle(xTitle)
{
    // The hover read-out follows the mouse without a button held.
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
}

int LiveLineChart::addLine(const Line &line)
{
    QColor color = line.color;
    color.setAlphaF(line.opacity);
    QPen pen(color, line.width);
    // Round joins cost a curve per point when stroking: with a thousand decimated points per line
    // they were most of the paint. Bevel joins look the same at these widths; markers stay round.
    // The chart is never scaled, so a cosmetic pen is as wide, and a 1 px one takes the raster
    // engine's fast path, without the stroker.
    pen.setCapStyle(line.points ? Qt::RoundCap : Qt::FlatCap);
    pen.setJoinStyle(line.points ? Qt::RoundJoin : Qt::BevelJoin);
    pen.setCosmetic(true);

    Entry e{line, new QLineSeries(this), new QLineSeries(this), pen, true};
    for (QLineSeries *s : {e.series, e.legend}) {
        s->setName(line.name);
        s->setPen(pen);
        s->setPointsVisible(line.points);
        s->setMarkerSize(2 * kMarkerRadius);
    }
    attach(chart(), m_backend == Backend::Painter ? e.legend : e.series, xAxis(), yAxis());
    m_lines.append(e);
    return int(m_lines.size()) - 1;
}

QLineSeries *LiveLineChart::series(int line) const
{
    return line >= 0 && line < m_lines.size() ? m_lines[line].series : nullptr;
}

void LiveLineChart::setLineVisible(int line, bool visible)
{
    if (line < 0 || line >= m_lines.size())
        return;
    Entry &e = m_lines[line];
    e.visible = visible;
    e.series->setVisible(visible);
    e.legend->setVisible(visible);
    redraw();
}

bool LiveLineChart::isLineVisible(int line) const
{
    return line >= 0 && line < m_lines.size() && m_lines[line].visible;
}

void LiveLineChart::setBackend(Backend backend)
{
    if (backend == m_backend)
        return;
    for (Entry &e : m_lines) {
        QLineSeries *out = backend == Backend::Painter ? e.series : e.legend;
        QLineSeries *in = backend == Backend::Painter ? e.legend : e.series;
        chart()->removeSeries(out); // hands ownership back
        out->setParent(this);
        attach(chart(), in, xAxis(), yAxis());
    }
    m_backend = backend;
    Theme::styleChart(chart()); // the legend's markers were rebuilt
    redraw();
}

bool LiveLineChart::hasData() const
{
    return std::any_of(m_lines.begin(), m_lines.end(),
                       [](const Entry &e) { return e.line.source && !e.line.source->isEmpty(); });
}

std::optional<std::pair<double, double>> LiveLineChart::dataXRange() const
{
    std::optional<std::pair<double, double>> range;
    for (const Entry &e : m_lines) {
        if (!e.line.source)
            continue;
        const auto r = e.line.source->xRange();
        if (!r)
            continue;
        range = range ? std::make_pair(std::min(range->first, r->first), std::max(range->second, r->second)) : *r;
    }
    return range;
}

std::optional<std::pair<double, double>> LiveLineChart::redrawSeries(double x0, double x1, int columns)
{
    std::optional<std::pair<double, double>> yRange;
    for (Entry &e : m_lines) {
        if (!e.line.source)
            continue;
        QList<QPointF> points = e.line.source->decimate(x0, x1, columns);
        if (e.visible) {
            // Min/max decimation keeps every extreme, so the drawn points give the exact y range
            // of the visible data (the neighbours just outside it excepted).
            for (const QPointF &p : points) {
                if (p.x() < x0 || p.x() > x1)
                    continue;
                yRange = yRange ? std::make_pair(std::min(yRange->first, p.y()), std::max(yRange->second, p.y()))
                                : std::make_pair(p.y(), p.y());
            }
        }
        // Outside the chart (Painter) a series only holds the points: replace() is a copy.
        // In the chart (the QtCharts baseline) it rebuilds the line's graphics items.
        e.series->replace(points);
    }
    return yRange;
}

void LiveLineChart::paintPlot(QPainter &painter, const QRectF &plot)
{
    if (m_backend == Backend::Painter) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        for (const Entry &e : m_lines) {
            if (!e.visible)
                continue;
            const QList<QPointF> points = e.series->points(); // implicitly shared: no copy
            painter.setPen(e.pen);
            painter.setBrush(Qt::NoBrush);
            // One polyline per run of finite points (decimate() leaves non-finite ones out, but
            // a line is never drawn through one whatever the source).
            m_scratch.clear();
            m_scratch.reserve(points.size());
            auto flush = [&] {
                // Segment by segment, as Qt Charts does: stroking the whole polyline with a
                // pen wider than 1 px rasterises one outline that overlaps itself at every
                // column of a dense min/max zigzag, 20 times slower (bench-charts' throughput).
                if (m_scratch.size() > 1) {
                    m_segments.clear();
                    m_segments.reserve(m_scratch.size());
                    for (qsizetype i = 1; i < m_scratch.size(); ++i)
                        m_segments.append(QLineF(m_scratch[i - 1], m_scratch[i]));
                    painter.drawLines(m_segments);
                }
                if (e.line.points) {
                    QPen edge = e.pen;
                    edge.setWidthF(1.0);
                    painter.setPen(edge);
                    painter.setBrush(e.pen.color());
                    for (const QPointF &c : std::as_const(m_scratch))
                        painter.drawEllipse(c, kMarkerRadius, kMarkerRadius);
                    painter.setPen(e.pen);
                    painter.setBrush(Qt::NoBrush);
                }
                m_scratch.clear();
            };
            for (const QPointF &p : points) {
                if (!std::isfinite(p.y())) {
                    flush();
                    continue;
                }
                m_scratch.append(toPlot(plot, p.x(), p.y()));
            }
            flush();
        }
    }
    paintReadout(painter, plot);
}

QString LiveLineChart::readoutAt(double x) const
{
    std::optional<double> at;
    QStringList values;
    const QLocale locale;
    for (const Entry &e : m_lines) {
        if (!e.visible || !e.line.source)
            continue;
        const auto i = e.line.source->nearest(x);
        if (!i)
            continue;
        const double px = e.line.source->xAt(*i);
        if (!at)
            at = px;
        const double y = e.line.source->yAt(*i);
        values << QStringLiteral("%1 %2").arg(e.line.name,
                                              std::isfinite(y) ? locale.toString(y, 'g', 4) : QStringLiteral("–"));
    }
    if (!at)
        return {};
    const QString xText = std::abs(*at - std::round(*at)) < 1e-9 ? locale.toString(qint64(std::llround(*at)))
                                                                 : locale.toString(*at, 'g', 6);
    return QStringLiteral("%1 %2 · %3").arg(m_xTitle, xText, values.join(QStringLiteral(" · ")));
}

void LiveLineChart::setHoverX(std::optional<double> x)
{
    if (x == m_hoverX)
        return;
    m_hoverX = x;
    viewport()->update();
}

void LiveLineChart::mouseMoveEvent(QMouseEvent *event)
{
    ZoomableChartView::mouseMoveEvent(event);
    const QRectF plot = chart()->plotArea();
    const QPointF pos = chart()->mapFromScene(mapToScene(event->position().toPoint()));
    if (!hasData() || !plot.contains(pos)) {
        setHoverX(std::nullopt);
        return;
    }
    const double fraction = (pos.x() - plot.left()) / std::max(1.0, plot.width());
    setHoverX(xAxis()->min() + fraction * (xAxis()->max() - xAxis()->min()));
}

void LiveLineChart::leaveEvent(QEvent *event)
{
    ZoomableChartView::leaveEvent(event);
    setHoverX(std::nullopt);
}

void LiveLineChart::paintReadout(QPainter &painter, const QRectF &plot)
{
    if (!m_hoverX)
        return;
    const QString text = readoutAt(*m_hoverX);
    if (text.isEmpty())
        return;
    // A guide at the nearest point's x, a dot on each visible line there, and the values.
    painter.setRenderHint(QPainter::Antialiasing, true);
    std::optional<double> guideX;
    for (const Entry &e : m_lines) {
        if (!e.visible || !e.line.source)
            continue;
        const auto i = e.line.source->nearest(*m_hoverX);
        if (!i)
            continue;
        const QPointF p = toPlot(plot, e.line.source->xAt(*i), e.line.source->yAt(*i));
        if (!guideX) {
            guideX = p.x();
            painter.setPen(QPen(Theme::muted(), 1.0, Qt::DashLine));
            painter.drawLine(QPointF(p.x(), plot.top()), QPointF(p.x(), plot.bottom()));
        }
        if (std::isfinite(p.y())) {
            painter.setPen(QPen(palette().color(QPalette::Base), 1.5));
            painter.setBrush(e.pen.color());
            painter.drawEllipse(p, 4.0, 4.0);
        }
    }
    const QFontMetricsF metrics(font());
    const QSizeF size(metrics.horizontalAdvance(text) + 12, metrics.height() + 6);
    QRectF box(QPointF(guideX.value_or(plot.left()) + 8, plot.top() + 4), size);
    if (box.right() > plot.right()) // flip to the guide's left near the right edge
        box.moveRight(guideX.value_or(plot.right()) - 8);
    box.moveLeft(std::max(box.left(), plot.left()));
    QColor fill = palette().color(QPalette::ToolTipBase);
    fill.setAlphaF(0.92);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1.0));
    painter.setBrush(fill);
    painter.drawRoundedRect(box, 3, 3);
    painter.setPen(palette().color(QPalette::ToolTipText));
    painter.drawText(box, Qt::AlignCenter, text);
}

} // namespace tandem
