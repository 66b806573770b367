#include "zoomable_chart_view.h"

#include "theme.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QValueAxis>
#include <QWheelEvent>

#include <cmath>

namespace tandem {

ZoomableChartView::ZoomableChartView(const QString &title, const QString &xTitle, const QString &yTitle,
                                     QWidget *parent)
    : QChartView(parent), m_xAxis(new QValueAxis), m_yAxis(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(6, 4, 6, 4));
    chart->legend()->setAlignment(Qt::AlignTop);
    m_xAxis->setTitleText(xTitle);
    m_yAxis->setTitleText(yTitle);
    chart->addAxis(m_xAxis, Qt::AlignBottom);
    chart->addAxis(m_yAxis, Qt::AlignLeft);
    setChart(chart); // the view owns the chart
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand);
    setMinimumSize(260, 200);
    setFrameShape(QFrame::NoFrame);
    setToolTip(tr("Drag or scroll to zoom · right-click or double-click to follow the data again"));
    m_xAxis->setRange(0, m_minXSpan);
    m_yAxis->setRange(0, 1);

    // A person zooming (rubber band) moves the axes: stop following and redraw at the new scale.
    connect(m_xAxis, &QValueAxis::rangeChanged, this, [this] {
        if (m_settingRanges)
            return;
        m_following = false;
        redraw();
    });
    restyle();
}

void ZoomableChartView::restyle()
{
    Theme::styleChart(chart());
    update();
}

void ZoomableChartView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void ZoomableChartView::setFixedYRange(double lo, double hi)
{
    m_fixedY = std::make_pair(lo, hi);
}

double ZoomableChartView::niceStep(double span, int targetTicks)
{
    if (!(span > 0) || !std::isfinite(span))
        return 1.0;
    const double raw = span / std::max(1, targetTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normalised = raw / magnitude;
    const double step = normalised < 1.5 ? 1.0 : normalised < 3.0 ? 2.0 : normalised < 7.0 ? 5.0 : 10.0;
    return step * magnitude;
}

void ZoomableChartView::setAxisRange(QValueAxis *axis, double lo, double hi, int targetTicks, bool integers)
{
    double step = niceStep(hi - lo, targetTicks);
    if (integers)
        step = std::max(1.0, std::round(step));
    const int decimals = step >= 1.0 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
    // Each setter below re-lays out the axis in Qt Charts (labels are text items), even when the
    // value is the same: set only what changed, so an unchanged frame costs no layout.
    const QString format = QStringLiteral("%.%1f").arg(decimals);
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
    auto setRange = [axis](double from, double to) {
        if (axis->min() != from || axis->max() != to)
            axis->setRange(from, to);
    };
    auto setInterval = [axis](double interval) {
        if (axis->tickInterval() != interval)
            axis->setTickInterval(interval);
    };
    if (axis->tickType() != QValueAxis::TicksDynamic) {
        // Interval and range first, while the fixed tick count still rules the layout.
        axis->setTickAnchor(0.0);
        setInterval(step);
        setRange(lo, hi);
        axis->setTickType(QValueAxis::TicksDynamic);
        return;
    }
    // A dynamic axis lays out one item per tick at once: widen the interval before the range
    // grows, and narrow it only after the range shrank, so it never meets a million ticks.
    if (step >= axis->tickInterval()) {
        setInterval(step);
        setRange(lo, hi);
    } else {
        setRange(lo, hi);
        setInterval(step);
    }
}

void ZoomableChartView::setRanges(double x0, double x1, double y0, double y1)
{
    m_settingRanges = true;
    setAxisRange(m_xAxis, x0, x1, 6, true);
    setAxisRange(m_yAxis, y0, y1, 5, false);
    m_settingRanges = false;
}

void ZoomableChartView::redraw()
{
    const auto extent = dataXRange();
    double x0 = m_xAxis->min();
    double x1 = m_xAxis->max();
    if (m_following) {
        x0 = extent ? std::min(m_xOrigin, extent->first) : m_xOrigin;
        x1 = std::max(extent ? extent->second + m_xEndPadding : x0, x0 + m_minXSpan);
        // A live run moves the end every redraw, and every move re-lays out the axis (Qt Charts'
        // labels are text items): most of a redraw's GUI time. Long ranges end on the next fifth
        // of a tick step instead, so the axis moves about once a second and the line stops at
        // most 4 % short of the edge.
        const double span = x1 - x0;
        if (span >= kSnapMinSpan) {
            const double quantum = std::max(1.0, std::round(niceStep(span, 6) / 5));
            x1 = x0 + std::ceil(span / quantum - 1e-9) * quantum;
        }
    }
    const int columns = std::max(1, int(chart()->plotArea().width()));
    const auto drawn = redrawSeries(x0, x1, columns);
    double y0 = 0;
    double y1 = 1;
    if (m_fixedY) {
        y0 = m_fixedY->first;
        y1 = m_fixedY->second;
    } else if (drawn) {
        y0 = drawn->first;
        y1 = drawn->second;
        if (m_yIncludesZero)
            y0 = std::min(0.0, y0);
        if (y1 - y0 < 1e-9) { // a flat line: give it room
            y1 += std::max(1e-3, std::abs(y1) * 0.1);
            if (!m_yIncludesZero || y0 < 0)
                y0 -= std::max(1e-3, std::abs(y0) * 0.1);
        }
        // Round the ends out to the ticks, so the plot is framed by labelled lines.
        const double step = niceStep(y1 - y0, 5);
        y1 = std::ceil(y1 / step - 1e-9) * step;
        y0 = std::floor(y0 / step + 1e-9) * step;
        if (y1 <= drawn->second)
            y1 += step * 0.5;
    }
    setRanges(x0, x1, y0, y1);
    viewport()->update();
}

void ZoomableChartView::resetZoom()
{
    m_following = true;
    redraw();
}

void ZoomableChartView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 || !hasData()) {
        event->ignore();
        return;
    }
    const QRectF plot = chart()->plotArea();
    const double at = (event->position().x() - plot.left()) / std::max(1.0, plot.width());
    const double x0 = m_xAxis->min();
    const double x1 = m_xAxis->max();
    const double anchor = x0 + std::clamp(at, 0.0, 1.0) * (x1 - x0);
    const double factor = std::pow(0.8, steps);
    const double span = std::max(2.0, (x1 - x0) * factor);
    const auto extent = dataXRange();
    if (extent && span >= (extent->second - extent->first) * 1.02 && steps < 0) {
        resetZoom(); // zoomed out past the data: follow it again
        event->accept();
        return;
    }
    m_following = false;
    const double ratio = (anchor - x0) / std::max(1e-9, x1 - x0);
    setRanges(anchor - ratio * span, anchor + (1 - ratio) * span, m_yAxis->min(), m_yAxis->max());
    redraw();
    event->accept();
}

void ZoomableChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::RightButton) {
        resetZoom(); // instead of QChartView's one-step zoom out
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ZoomableChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    resetZoom();
    event->accept();
}

void ZoomableChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    redraw(); // the column count follows the plot's width
}

void ZoomableChartView::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        restyle();
}

void ZoomableChartView::paintPlot(QPainter &painter, const QRectF &plot)
{
    Q_UNUSED(painter)
    Q_UNUSED(plot)
}

QPointF ZoomableChartView::toPlot(const QRectF &plot, double x, double y) const
{
    const double xSpan = std::max(1e-12, m_xAxis->max() - m_xAxis->min());
    const double ySpan = std::max(1e-12, m_yAxis->max() - m_yAxis->min());
    return QPointF(plot.left() + (x - m_xAxis->min()) / xSpan * plot.width(),
                   plot.bottom() - (y - m_yAxis->min()) / ySpan * plot.height());
}

void ZoomableChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    painter->save();
    painter->setClipRect(plot);
    paintPlot(*painter, plot);
    painter->restore();
}

void ZoomableChartView::paintEvent(QPaintEvent *event)
{
    QChartView::paintEvent(event);
    if (hasData() || m_placeholder.isEmpty())
        return;
    QPainter painter(viewport());
    painter.setPen(Theme::muted());
    painter.drawText(chart()->plotArea().toRect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
}

} // namespace tandem
