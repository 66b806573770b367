#include "stage_latency_chart.h"

#include "metrics/training_metrics.h"
#include "theme.h"
#include "timing/timing_summary.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <vector>

namespace tandem {

namespace {
constexpr int kPixelsPerBucket = 3; // areas are heavier to fill than lines are to stroke
}

StageLatencyChart::StageLatencyChart(QWidget *parent)
    : ZoomableChartView(tr("Per-stage latency, both machines"), tr("batch"), tr("ms per batch"), parent),
      m_title(tr("Per-stage latency, both machines"))
{
    setYIncludesZero(true);
    chart()->legend()->setAlignment(Qt::AlignRight);
    for (const protocol::StageInfo &info : protocol::kStages) {
        if (TimingSummary::isWaitStage(info.stage))
            continue;
        const auto i = std::size_t(info.stage);
        auto *upper = new QLineSeries(this);
        auto *area = new QAreaSeries(new QLineSeries(this)); // empty: the legend's marker
        const char *host = info.host == protocol::Host::Client  ? "here"
                           : info.host == protocol::Host::Agent ? "agent"
                                                                : "wire";
        area->setName(QStringLiteral("%1 · %2").arg(QString::fromLatin1(info.label.data(), int(info.label.size())),
                                                    QLatin1String(host)));
        const QColor color = Theme::stageColor(info.stage);
        area->setBrush(color);
        area->setPen(QPen(color.darker(115), 0.8));
        chart()->addSeries(area);
        area->attachAxis(xAxis());
        area->attachAxis(yAxis());
        m_upper[i] = upper;
        m_areas[i] = area;
    }
    // Stages appear in the legend once a batch has them (a CPU agent has no host-to-device copy).
    for (QAreaSeries *area : m_areas) {
        if (!area)
            continue;
        area->setVisible(false);
        for (QLegendMarker *marker : chart()->legend()->markers(area))
            marker->setVisible(false);
    }
    setPlaceholder(tr("Each batch's time in every stage, on this computer, on the wire and on the agent, "
                      "appears here as batches come back."));
}

void StageLatencyChart::setSource(const TrainingMetrics *metrics)
{
    m_metrics = metrics;
}

QLineSeries *StageLatencyChart::upperSeries(protocol::Stage stage) const
{
    return m_upper[std::size_t(stage)];
}

bool StageLatencyChart::hasData() const
{
    return m_metrics && m_metrics->batches() > 0;
}

std::optional<std::pair<double, double>> StageLatencyChart::dataXRange() const
{
    if (!hasData())
        return std::nullopt;
    return std::make_pair(1.0, double(m_metrics->batches()));
}

std::optional<std::pair<double, double>> StageLatencyChart::redrawSeries(double x0, double x1, int columns)
{
    if (!m_metrics) {
        for (QLineSeries *upper : m_upper)
            if (upper)
                upper->clear();
        return std::nullopt;
    }
    const TrainingMetrics::StageProfile profile =
        m_metrics->stageProfile(x0, x1, std::max(1, columns / kPixelsPerBucket));
    std::array<QList<QPointF>, protocol::kStageCount> points;
    double top = 0;
    for (std::size_t b = 0; b < profile.x.size(); ++b) {
        double cumulative = 0;
        for (std::size_t s = 0; s < points.size(); ++s) {
            if (!m_upper[s])
                continue;
            cumulative += profile.ms[b][s];
            points[s].append(QPointF(profile.x[b], cumulative));
        }
        top = std::max(top, cumulative);
    }
    for (std::size_t s = 0; s < points.size(); ++s) {
        if (!m_upper[s])
            continue;
        m_upper[s]->replace(points[s]);
        const bool present = profile.present[s];
        m_present[s] = present;
        if (m_areas[s]->isVisible() == present)
            continue;
        m_areas[s]->setVisible(present);
        for (QLegendMarker *marker : chart()->legend()->markers(m_areas[s]))
            marker->setVisible(present);
    }
    // QChart::setTitle() re-lays out the whole chart even for the same text.
    auto setTitle = [this](const QString &title) {
        if (chart()->title() != title)
            chart()->setTitle(title);
    };
    if (profile.x.empty()) {
        setTitle(m_title);
        return std::nullopt;
    }
    // A first batch that waited for the model to be built would flatten every other batch into
    // the axis: scale to the bulk of the batches and say that the peaks are cut.
    std::vector<double> tops;
    tops.reserve(profile.x.size());
    for (const auto &ms : profile.ms) {
        double sum = 0;
        for (std::size_t s = 0; s < ms.size(); ++s)
            if (m_upper[s])
                sum += ms[s];
        tops.push_back(sum);
    }
    std::sort(tops.begin(), tops.end());
    const double bulk = tops[std::size_t(0.97 * double(tops.size() - 1))];
    if (tops.size() >= 20 && top > 2.5 * bulk && bulk > 0) {
        setTitle(tr("%1 (peaks up to %2 ms cut off)").arg(m_title, QLocale().toString(top, 'f', 0)));
        return std::make_pair(0.0, bulk * 1.4);
    }
    setTitle(m_title);
    return std::make_pair(0.0, top);
}

void StageLatencyChart::paintPlot(QPainter &painter, const QRectF &plot)
{
    // Bottom up: each band from the previous present stage's line (or zero) to its own, filled
    // as one aliased rectangle per bucket (a few pixels wide) and edged with an antialiased line.
    // Rectangles fill as spans; the same band as a polygon took ten times longer to fill.
    QList<QPointF> below;
    QList<QRectF> cells;
    QPolygonF line;
    for (std::size_t s = 0; s < m_upper.size(); ++s) {
        if (!m_upper[s] || !m_present[s])
            continue;
        const QList<QPointF> upper = m_upper[s]->points();
        if (upper.isEmpty())
            continue;
        cells.clear();
        line.clear();
        cells.reserve(upper.size());
        line.reserve(upper.size());
        for (qsizetype i = 0; i < upper.size(); ++i) {
            const QPointF top = toPlot(plot, upper[i].x(), upper[i].y());
            const QPointF bottom = toPlot(plot, upper[i].x(), below.isEmpty() ? 0.0 : below[i].y());
            // The cell spans halfway to each neighbour's centre.
            const double left = i > 0 ? (toPlot(plot, upper[i - 1].x(), 0).x() + top.x()) / 2 : top.x();
            const double right =
                i + 1 < upper.size() ? (toPlot(plot, upper[i + 1].x(), 0).x() + top.x()) / 2 : top.x() + 1;
            cells.append(QRectF(QPointF(left, top.y()), QPointF(right, bottom.y())).normalized());
            line.append(top);
        }
        const QColor color = m_areas[s]->brush().color();
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawRects(cells);
        painter.setRenderHint(QPainter::Antialiasing, true);
        QPen edge(color.darker(115), 1.0);
        edge.setCosmetic(true); // the raster engine's fast path: no stroker
        painter.setPen(edge);
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(line);
        below = upper;
    }
}

} // namespace tandem
