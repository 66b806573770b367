#include "live_line_chart.h"

#include "metrics/decimated_series.h"

#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

#include <algorithm>

namespace tandem {

LiveLineChart::LiveLineChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent)
    : ZoomableChartView(title, xTitle, yTitle, parent)
{
}

int LiveLineChart::addLine(const Line &line)
{
    auto *series = new QLineSeries;
    series->setName(line.name);
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
    series->setPen(pen);
    series->setPointsVisible(line.points);
    series->setMarkerSize(7);
    chart()->addSeries(series);
    series->attachAxis(xAxis());
    series->attachAxis(yAxis());
    m_lines.append({line, series});
    return int(m_lines.size()) - 1;
}

QLineSeries *LiveLineChart::series(int line) const
{
    return line >= 0 && line < m_lines.size() ? m_lines[line].series : nullptr;
}

void LiveLineChart::setLineVisible(int line, bool visible)
{
    if (QLineSeries *s = series(line))
        s->setVisible(visible);
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
        if (e.series->isVisible()) {
            // Min/max decimation keeps every extreme, so the drawn points give the exact y range
            // of the visible data (the neighbours just outside it excepted).
            for (const QPointF &p : points) {
                if (p.x() < x0 || p.x() > x1)
                    continue;
                yRange = yRange ? std::make_pair(std::min(yRange->first, p.y()), std::max(yRange->second, p.y()))
                                : std::make_pair(p.y(), p.y());
            }
        }
        e.series->replace(points); // one call: one repaint, not one per point
    }
    return yRange;
}

} // namespace tandem
