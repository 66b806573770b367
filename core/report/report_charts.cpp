#include "report/report_charts.h"

#include "report/number_format.h"
#include "report/svg_canvas.h"
#include "timing/run_record.h"
#include "timing/timing_summary.h"

#include <QColor>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>

namespace tandem {

using protocol::Host;
using protocol::Stage;
using Anchor = SvgCanvas::Anchor;

namespace {

constexpr double kLabelSize = 12.0;
constexpr double kTickSize = 11.0;
constexpr double kLegendChip = 10.0;
constexpr double kLegendRow = 18.0;
const QString kInk = QLatin1String(SvgCanvas::kInk);
const QString kMuted = QLatin1String(SvgCanvas::kMuted);
const QString kGrid = QLatin1String(SvgCanvas::kGrid);
const QString kAxis = QLatin1String(SvgCanvas::kAxis);
const QString kWallColor = QStringLiteral("#334e68");

// Ink or white, whichever reads better on `fill`.
QString textOn(const QString &fill)
{
    const QColor color(fill);
    const double luminance = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF();
    return luminance > 0.6 ? kInk : QStringLiteral("#ffffff");
}

struct LegendItem {
    QString label;
    QString color;
    double opacity = 1.0;
};

// Lays out legend chips left to right, wrapping; returns the height used.
double legend(SvgCanvas *canvas, const std::vector<LegendItem> &items, double x0, double y0, double maxX)
{
    double x = x0;
    double y = y0;
    for (const LegendItem &item : items) {
        const double itemWidth = kLegendChip + 5.0 + SvgCanvas::textWidth(item.label, kTickSize) + 16.0;
        if (x > x0 && x + itemWidth > maxX) {
            x = x0;
            y += kLegendRow;
        }
        if (canvas) {
            canvas->rect(x, y - kLegendChip + 1.0, kLegendChip, kLegendChip, item.color, item.opacity, 2.0);
            canvas->text(x + kLegendChip + 5.0, y, item.label, kTickSize, Anchor::Start, kInk);
        }
        x += itemWidth;
    }
    return items.empty() ? 0.0 : y - y0 + kLegendRow;
}

// Horizontal axis with tick labels under a plot spanning [left, right] at baseline y.
void horizontalAxis(SvgCanvas &canvas, double left, double right, double top, double y, double low, double high,
                    const std::vector<double> &ticks, const std::function<QString(double)> &label)
{
    const double span = high - low;
    for (double tick : ticks) {
        const double x = left + (tick - low) / span * (right - left);
        if (x < left - 0.5 || x > right + 0.5)
            continue;
        canvas.line(x, top, x, y, kGrid, 1.0);
        canvas.text(x, y + 15.0, label(tick), kTickSize, Anchor::Middle, kMuted);
    }
    canvas.line(left, y, right, y, kAxis, 1.0);
}

void verticalAxis(SvgCanvas &canvas, double left, double right, double top, double bottom, double low, double high,
                  const std::vector<double> &ticks, const std::function<QString(double)> &label)
{
    const double span = high - low;
    for (double tick : ticks) {
        const double y = bottom - (tick - low) / span * (bottom - top);
        if (y < top - 0.5 || y > bottom + 0.5)
            continue;
        canvas.line(left, y, right, y, kGrid, 1.0);
        canvas.text(left - 6.0, y + 4.0, label(tick), kTickSize, Anchor::End, kMuted);
    }
    canvas.line(left, bottom, right, bottom, kAxis, 1.0);
}

QString tickNumber(double value, double step)
{
    const int decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    return NumberFormat::fixed(value, decimals);
}

double tickStep(const std::vector<double> &ticks)
{
    return ticks.size() >= 2 ? ticks[1] - ticks[0] : 1.0;
}

QString emptyChart(double width, const QString &message)
{
    SvgCanvas canvas(width, 60.0, message);
    canvas.rect(0.5, 0.5, width - 1.0, 59.0, QStringLiteral("#f7f8fa"), 1.0, 4.0);
    canvas.text(width / 2.0, 35.0, message, kLabelSize, Anchor::Middle, kMuted);
    return canvas.finish();
}

std::vector<Stage> stagesPresent(const RunRecord &record)
{
    std::array<bool, protocol::kStageCount> present{};
    for (const BatchRecord &batch : record.batches) {
        for (const protocol::Span &span : batch.spans)
            present[size_t(span.stage)] = true;
    }
    std::vector<Stage> stages;
    for (int i = 0; i < protocol::kStageCount; ++i) {
        if (present[size_t(i)])
            stages.push_back(Stage(i));
    }
    return stages;
}

struct LossSeries {
    std::vector<QPointF> mean;  // x: step number from 1, y: loss
    std::vector<QPointF> upper; // min/max band when steps were bucketed; empty otherwise
    std::vector<QPointF> lower;
    double minLoss = std::numeric_limits<double>::max();
    double maxLoss = 0.0;
    int steps = 0;
};

// Steps in sequence order; above `maxPoints`, buckets of consecutive steps: mean line, min/max band.
LossSeries lossSeries(const RunRecord &record, int maxPoints)
{
    std::vector<double> losses;
    std::vector<const StepPoint *> steps;
    for (const StepPoint &step : record.steps)
        steps.push_back(&step);
    std::stable_sort(steps.begin(), steps.end(),
                     [](const StepPoint *a, const StepPoint *b) { return a->seq < b->seq; });
    for (const StepPoint *step : steps)
        losses.push_back(double(step->loss));

    LossSeries series;
    series.steps = int(losses.size());
    const int bucket = std::max(1, int(std::ceil(double(losses.size()) / double(std::max(1, maxPoints)))));
    for (size_t start = 0; start < losses.size(); start += size_t(bucket)) {
        const size_t end = std::min(losses.size(), start + size_t(bucket));
        double sum = 0.0;
        int count = 0;
        double low = std::numeric_limits<double>::max();
        double high = std::numeric_limits<double>::lowest();
        for (size_t i = start; i < end; ++i) {
            if (!std::isfinite(losses[i]))
                continue; // a diverged step is not drawn; the tables say so
            sum += losses[i];
            ++count;
            low = std::min(low, losses[i]);
            high = std::max(high, losses[i]);
        }
        if (count == 0)
            continue;
        const double x = (double(start) + double(end - 1)) / 2.0 + 1.0;
        series.mean.emplace_back(x, sum / count);
        if (bucket > 1) {
            series.upper.emplace_back(x, high);
            series.lower.emplace_back(x, low);
        }
        series.minLoss = std::min(series.minLoss, low);
        series.maxLoss = std::max(series.maxLoss, high);
    }
    return series;
}

// A logarithmic axis over whole decades, for latencies that span 0.01 ms to seconds.
class LogAxis {
public:
    explicit LogAxis(const std::vector<double> &values)
    {
        double low = std::numeric_limits<double>::max();
        double high = 0.0;
        for (double value : values) {
            if (value > 0.0 && std::isfinite(value)) {
                low = std::min(low, value);
                high = std::max(high, value);
            }
        }
        if (high <= 0.0) {
            low = 0.1;
            high = 1.0;
        }
        m_low = std::floor(std::log10(low));
        m_high = std::max(m_low + 1.0, std::ceil(std::log10(high)));
    }

    // 0 at the lowest decade, 1 at the highest; values at or below zero sit on the left edge.
    [[nodiscard]] double position(double value) const
    {
        if (!(value > 0.0))
            return 0.0;
        return std::clamp((std::log10(value) - m_low) / (m_high - m_low), 0.0, 1.0);
    }

    void draw(SvgCanvas &canvas, double left, double right, double top, double bottom) const
    {
        const double span = right - left;
        for (double decade = m_low; decade <= m_high + 1e-9; decade += 1.0) {
            const double value = std::pow(10.0, decade);
            const double x = left + position(value) * span;
            canvas.line(x, top, x, bottom, QStringLiteral("#d5dae0"), 1.0);
            canvas.text(x, bottom + 15.0, NumberFormat::fixed(value, decade < 0 ? int(-decade) : 0), kTickSize,
                        Anchor::Middle, kMuted);
            for (double minor : {2.0, 5.0}) {
                if (decade + std::log10(minor) < m_high)
                    canvas.line(left + position(value * minor) * span, top, left + position(value * minor) * span,
                                bottom, kGrid, 0.6);
            }
        }
        canvas.line(left, bottom, right, bottom, kAxis, 1.0);
    }

private:
    double m_low = -1.0;
    double m_high = 0.0;
};

} // namespace

QString ReportCharts::stageColor(Stage stage)
{
    // The one stage palette (common/stage.h), shared with the live dashboard.
    return QStringLiteral("#%1").arg(protocol::stageInfo(stage).rgb, 6, 16, QLatin1Char('0'));
}

QString ReportCharts::batchColor(int index)
{
    static const std::array<const char *, 8> kColors{
        {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#ff9da7"}};
    return QLatin1String(kColors[size_t(index) % kColors.size()]);
}

QString ReportCharts::seriesColor(int series)
{
    return series == 0 ? QStringLiteral("#2563eb") : QStringLiteral("#ea580c");
}

ReportCharts::TimelineWindow ReportCharts::timelineWindow(const RunRecord &record, int intervals)
{
    TimelineWindow window;
    const qint64 origin = record.originNs();
    const qint64 end = record.endNs();
    if (record.batches.empty() || end <= origin || intervals < 1)
        return window;
    // One interval is the mean time between batches; the window sits in the middle of the run.
    const qint64 interval = (end - origin) / qint64(record.batches.size());
    const qint64 length = std::min(end - origin, std::max<qint64>(1, interval * intervals));
    window.startNs = origin + (end - origin - length) / 2;
    window.endNs = window.startNs + length;
    bool any = false;
    for (const BatchRecord &batch : record.batches) {
        for (const protocol::Span &span : batch.spans) {
            if (TimingSummary::isWaitStage(span.stage) || span.endNs <= window.startNs || span.startNs >= window.endNs)
                continue;
            window.firstSeq = any ? std::min(window.firstSeq, batch.seq) : batch.seq;
            window.lastSeq = any ? std::max(window.lastSeq, batch.seq) : batch.seq;
            any = true;
        }
    }
    window.valid = any;
    return window;
}

QString ReportCharts::timeline(const RunRecord &record, double width, int intervals)
{
    const TimelineWindow window = timelineWindow(record, intervals);
    if (!window.valid)
        return emptyChart(width, QStringLiteral("No stage timings were recorded"));
    auto visible = [&window](const protocol::Span &span) {
        return span.endNs > window.startNs && span.startNs < window.endNs;
    };

    // Rows: the stages with a span in the window, grouped by host.
    std::array<bool, protocol::kStageCount> inWindow{};
    for (const BatchRecord &batch : record.batches) {
        for (const protocol::Span &span : batch.spans)
            inWindow[size_t(span.stage)] = inWindow[size_t(span.stage)] || visible(span);
    }
    struct Row {
        bool header = false;
        Host host = Host::Client;
        Stage stage = Stage::Read;
    };
    std::vector<Row> rows;
    for (Host host : {Host::Client, Host::Network, Host::Agent}) {
        bool headerAdded = false;
        for (int i = 0; i < protocol::kStageCount; ++i) {
            const Stage stage = Stage(i);
            if (!inWindow[size_t(i)] || protocol::stageInfo(stage).host != host)
                continue;
            if (!headerAdded) {
                rows.push_back({true, host, stage});
                headerAdded = true;
            }
            rows.push_back({false, host, stage});
        }
    }

    constexpr double kRowHeight = 20.0;
    constexpr double kHeaderHeight = 20.0;
    constexpr double kBarHeight = 14.0;
    constexpr double kLeft = 120.0;
    constexpr double kTop = 4.0;
    const double right = width - 16.0;
    std::array<double, protocol::kStageCount> rowY{};
    double y = kTop;
    for (const Row &row : rows) {
        if (row.header) {
            y += kHeaderHeight;
        } else {
            rowY[size_t(row.stage)] = y;
            y += kRowHeight;
        }
    }
    const double plotBottom = y;
    const double legendTop = plotBottom + 44.0;
    const std::vector<LegendItem> items{
        {QStringLiteral("working: one colour per batch, labelled with its number"), batchColor(0)},
        {QStringLiteral("waiting (credit wait, queue wait)"), batchColor(0), 0.3}};
    const double height = legendTop + legend(nullptr, items, kLeft, 0.0, right) + 2.0;

    const double durationMs = double(window.endNs - window.startNs) / 1e6;
    SvgCanvas canvas(width, height,
                     QStringLiteral("Timeline of %1 from the middle of the run, batches %2 to %3")
                         .arg(NumberFormat::ms(durationMs))
                         .arg(window.firstSeq)
                         .arg(window.lastSeq));

    y = kTop;
    bool shade = false;
    for (const Row &row : rows) {
        if (row.header) {
            shade = false;
            canvas.line(0.0, y + 0.5, right, y + 0.5, kGrid, 1.0);
            canvas.text(0.0, y + 14.0, NumberFormat::hostLabel(row.host).toUpper(), 10.5, Anchor::Start, kMuted, true);
            y += kHeaderHeight;
            continue;
        }
        if (shade)
            canvas.rect(kLeft, y, right - kLeft, kRowHeight, QStringLiteral("#f7f8fa"));
        shade = !shade;
        canvas.text(kLeft - 8.0, y + 14.0, NumberFormat::stageLabel(row.stage), kTickSize, Anchor::End, kInk);
        y += kRowHeight;
    }

    const std::vector<double> ticks = SvgCanvas::niceTicks(0.0, durationMs, 8);
    const double step = tickStep(ticks);
    horizontalAxis(canvas, kLeft, right, kTop, plotBottom, 0.0, durationMs, ticks,
                   [step](double v) { return tickNumber(v, step); });
    const double runOffsetSeconds = double(window.startNs - record.originNs()) / 1e9;
    canvas.text((kLeft + right) / 2.0, plotBottom + 32.0,
                QStringLiteral("milliseconds, from %1 into the run").arg(NumberFormat::seconds(runOffsetSeconds)),
                kTickSize, Anchor::Middle, kMuted);

    const double scale = (right - kLeft) / double(window.endNs - window.startNs);
    // Waits first, so that work draws on top of them.
    for (int pass = 0; pass < 2; ++pass) {
        for (const BatchRecord &batch : record.batches) {
            for (const protocol::Span &span : batch.spans) {
                const bool wait = TimingSummary::isWaitStage(span.stage);
                if (!visible(span) || wait != (pass == 0))
                    continue;
                const double x0 = kLeft + double(std::max(span.startNs, window.startNs) - window.startNs) * scale;
                const double x1 = kLeft + double(std::min(span.endNs, window.endNs) - window.startNs) * scale;
                const double barWidth = std::max(1.0, x1 - x0);
                // Waiting is drawn thin and pale: background to the work, and often concurrent.
                const double barHeight = wait ? kBarHeight * 0.6 : kBarHeight;
                const double barY = rowY[size_t(span.stage)] + (kRowHeight - barHeight) / 2.0;
                const QString fill = batchColor(int(batch.seq % 8));
                canvas.beginGroup(QStringLiteral("batch %1 · %2 · %3")
                                      .arg(batch.seq)
                                      .arg(NumberFormat::stageLabel(span.stage),
                                           NumberFormat::ms(double(span.endNs - span.startNs) / 1e6)));
                canvas.rect(x0, barY, barWidth, barHeight, fill, wait ? 0.3 : 1.0, 2.0);
                const QString label = QString::number(batch.seq);
                if (!wait && barWidth > SvgCanvas::textWidth(label, 10.0) + 6.0)
                    canvas.text(x0 + barWidth / 2.0, barY + 10.5, label, 10.0, Anchor::Middle, textOn(fill));
                canvas.endGroup();
            }
        }
    }
    legend(&canvas, items, kLeft, legendTop + kTickSize, right);
    return canvas.finish();
}

QString ReportCharts::overlap(const TimingSummary &summary, double width)
{
    if (summary.sequentialSeconds <= 0.0 || summary.wallSeconds <= 0.0)
        return emptyChart(width, QStringLiteral("No stage timings were recorded"));

    constexpr double kLeft = 170.0;
    constexpr double kBar = 28.0;
    const double right = width - 80.0;
    std::vector<LegendItem> items;
    for (const StageStats &stats : summary.stages) {
        if (!TimingSummary::isWaitStage(stats.stage))
            items.push_back({NumberFormat::stageLabel(stats.stage), stageColor(stats.stage)});
    }
    const double legendHeight = legend(nullptr, items, kLeft, 0.0, width - 10.0);
    const double rowA = 14.0;
    const double rowB = rowA + kBar + 18.0;
    const double axisY = rowB + kBar + 14.0;
    const double legendTop = axisY + 40.0;
    const double height = legendTop + legendHeight + 4.0;

    SvgCanvas canvas(
        width, height,
        QStringLiteral("Stages run one after another would take %1; overlapped, the run took %2")
            .arg(NumberFormat::seconds(summary.sequentialSeconds), NumberFormat::seconds(summary.wallSeconds)));
    const double maxSeconds = std::max(summary.sequentialSeconds, summary.wallSeconds);
    const std::vector<double> ticks = SvgCanvas::niceTicks(0.0, maxSeconds, 6);
    const double axisMax = std::max(maxSeconds, ticks.empty() ? maxSeconds : ticks.back());
    const double scale = (right - kLeft) / axisMax;
    const double step = tickStep(ticks);
    horizontalAxis(canvas, kLeft, right, rowA - 6.0, axisY, 0.0, axisMax, ticks,
                   [step](double v) { return tickNumber(v, step); });
    canvas.text((kLeft + right) / 2.0, axisY + 30.0, QStringLiteral("seconds"), kTickSize, Anchor::Middle, kMuted);

    canvas.text(kLeft - 10.0, rowA + 12.0, QStringLiteral("one stage at a time"), kLabelSize, Anchor::End, kInk, true);
    canvas.text(kLeft - 10.0, rowA + 26.0, QStringLiteral("sum of busy times"), kTickSize, Anchor::End, kMuted);
    double x = kLeft;
    for (const StageStats &stats : summary.stages) {
        if (TimingSummary::isWaitStage(stats.stage))
            continue;
        const double w = stats.busyMs / 1000.0 * scale;
        const QString fill = stageColor(stats.stage);
        canvas.beginGroup(
            QStringLiteral("%1: busy %2")
                .arg(NumberFormat::stageLabel(stats.stage), NumberFormat::seconds(stats.busyMs / 1000.0)));
        canvas.rect(x, rowA, w, kBar, fill);
        const QString label = NumberFormat::stageLabel(stats.stage);
        if (w > SvgCanvas::textWidth(label, 10.5) + 8.0)
            canvas.text(x + w / 2.0, rowA + kBar / 2.0 + 4.0, label, 10.5, Anchor::Middle, textOn(fill));
        canvas.endGroup();
        x += w;
    }
    canvas.text(x + 6.0, rowA + kBar / 2.0 + 4.0, NumberFormat::seconds(summary.sequentialSeconds), kLabelSize,
                Anchor::Start, kInk, true);

    canvas.text(kLeft - 10.0, rowB + 12.0, QStringLiteral("Tandem, overlapped"), kLabelSize, Anchor::End, kInk, true);
    canvas.text(kLeft - 10.0, rowB + 26.0, QStringLiteral("measured wall time"), kTickSize, Anchor::End, kMuted);
    const double wallWidth = summary.wallSeconds * scale;
    canvas.rect(kLeft, rowB, wallWidth, kBar, kWallColor);
    const double slowest = kLeft + summary.slowestStageBusySeconds * scale;
    if (summary.hasBottleneck) {
        const QString label = QStringLiteral("%1 busy %2")
                                  .arg(NumberFormat::stageLabel(summary.bottleneck),
                                       NumberFormat::seconds(summary.slowestStageBusySeconds));
        canvas.line(slowest, rowB - 3.0, slowest, rowB + kBar + 3.0, QStringLiteral("#f0b429"), 2.5);
        if (slowest - kLeft > SvgCanvas::textWidth(label, 10.5) + 12.0)
            canvas.text(slowest - 6.0, rowB + kBar / 2.0 + 4.0, label, 10.5, Anchor::End, QStringLiteral("#ffffff"));
    }
    canvas.text(kLeft + wallWidth + 6.0, rowB + kBar / 2.0 + 4.0, NumberFormat::seconds(summary.wallSeconds),
                kLabelSize, Anchor::Start, kInk, true);

    legend(&canvas, items, kLeft, legendTop + kTickSize, width - 10.0);
    return canvas.finish();
}

QString ReportCharts::stagePercentiles(const TimingSummary &summary, double width)
{
    if (summary.stages.empty())
        return emptyChart(width, QStringLiteral("No stage timings were recorded"));

    constexpr double kLeft = 120.0;
    constexpr double kRow = 22.0;
    constexpr double kBar = 13.0;
    const double right = width - 190.0;
    const double top = 30.0;
    const double bottom = top + kRow * double(summary.stages.size());
    const double height = bottom + 40.0;

    std::vector<double> values;
    for (const StageStats &stats : summary.stages)
        values.insert(values.end(), {stats.p50Ms, stats.p99Ms});
    const LogAxis axis(values);
    auto px = [&](double ms) { return kLeft + axis.position(ms) * (right - kLeft); };

    SvgCanvas canvas(width, height, QStringLiteral("Per-stage latency: median, 95th and 99th percentile"));
    legend(&canvas,
           {{QStringLiteral("median (p50)"), QStringLiteral("#7b8794")},
            {QStringLiteral("95th percentile"), QStringLiteral("#7b8794"), 0.35}},
           kLeft, 14.0, right);
    const double p99LegendX = kLeft + 250.0;
    canvas.line(p99LegendX + 4.0, 4.0, p99LegendX + 4.0, 15.0, kInk, 2.0);
    canvas.text(p99LegendX + 12.0, 14.0, QStringLiteral("99th percentile"), kTickSize, Anchor::Start, kInk);

    axis.draw(canvas, kLeft, right, top, bottom);
    canvas.text((kLeft + right) / 2.0, bottom + 32.0, QStringLiteral("milliseconds per batch (logarithmic scale)"),
                kTickSize, Anchor::Middle, kMuted);

    double y = top;
    for (const StageStats &stats : summary.stages) {
        const QString fill = stageColor(stats.stage);
        const double barY = y + (kRow - kBar) / 2.0;
        canvas.text(kLeft - 8.0, y + 15.0, NumberFormat::stageLabel(stats.stage), kTickSize, Anchor::End, kInk);
        canvas.beginGroup(QStringLiteral("%1: p50 %2, p95 %3, p99 %4")
                              .arg(NumberFormat::stageLabel(stats.stage), NumberFormat::ms(stats.p50Ms),
                                   NumberFormat::ms(stats.p95Ms), NumberFormat::ms(stats.p99Ms)));
        canvas.rect(kLeft, barY, std::max(1.0, px(stats.p95Ms) - kLeft), kBar, fill, 0.35);
        canvas.rect(kLeft, barY, std::max(1.0, px(stats.p50Ms) - kLeft), kBar, fill);
        const double p99 = px(stats.p99Ms);
        canvas.line(p99, barY - 2.0, p99, barY + kBar + 2.0, kInk, 2.0);
        canvas.endGroup();
        canvas.text(right + 12.0, y + 15.0,
                    QStringLiteral("%1 · %2 · %3")
                        .arg(NumberFormat::ms(stats.p50Ms, false), NumberFormat::ms(stats.p95Ms, false),
                             NumberFormat::ms(stats.p99Ms)),
                    kTickSize, Anchor::Start, kMuted);
        y += kRow;
    }
    canvas.text(right + 12.0, top - 6.0, QStringLiteral("p50 · p95 · p99"), kTickSize, Anchor::Start, kMuted, true);
    return canvas.finish();
}

QString ReportCharts::batchLatency(const RunRecord &record, double width)
{
    const std::vector<Stage> stages = stagesPresent(record);
    if (stages.empty())
        return emptyChart(width, QStringLiteral("No stage timings were recorded"));

    std::vector<const BatchRecord *> batches;
    for (const BatchRecord &batch : record.batches)
        batches.push_back(&batch);
    std::stable_sort(batches.begin(), batches.end(),
                     [](const BatchRecord *a, const BatchRecord *b) { return a->seq < b->seq; });

    constexpr double kLeft = 60.0;
    const double right = width - 16.0;
    const double plotWidth = right - kLeft;
    // At least 3 px per column, so that a long run still reads as a profile, not noise.
    const int maxColumns = std::max(1, int(plotWidth / 3.0));
    const size_t perColumn = std::max<size_t>(1, size_t(std::ceil(double(batches.size()) / maxColumns)));
    const size_t columns = (batches.size() + perColumn - 1) / perColumn;

    std::vector<std::array<double, protocol::kStageCount>> means(columns);
    double maxTotal = 0.0;
    for (size_t c = 0; c < columns; ++c) {
        means[c].fill(0.0);
        const size_t begin = c * perColumn;
        const size_t end = std::min(batches.size(), begin + perColumn);
        for (size_t i = begin; i < end; ++i) {
            for (const protocol::Span &span : batches[i]->spans)
                means[c][size_t(span.stage)] += double(span.endNs - span.startNs) / 1e6;
        }
        double total = 0.0;
        for (double &value : means[c]) {
            value /= double(end - begin);
            total += value;
        }
        maxTotal = std::max(maxTotal, total);
    }

    std::vector<LegendItem> items;
    for (Stage stage : stages)
        items.push_back({NumberFormat::stageLabel(stage), stageColor(stage)});
    const double legendHeight = legend(nullptr, items, kLeft, 0.0, right);
    const double top = 8.0 + legendHeight + 10.0;
    const double bottom = top + 220.0;
    const double height = bottom + 40.0;

    SvgCanvas canvas(width, height, QStringLiteral("End-to-end latency of every batch, split by stage"));
    legend(&canvas, items, kLeft, 8.0 + kTickSize, right);

    const std::vector<double> yTicks = SvgCanvas::niceTicks(0.0, std::max(maxTotal, 1e-3), 5);
    const double yMax = std::max(maxTotal, yTicks.back());
    const double yStep = tickStep(yTicks);
    verticalAxis(canvas, kLeft, right, top, bottom, 0.0, yMax, yTicks,
                 [yStep](double v) { return tickNumber(v, yStep); });
    canvas.text(12.0, top - 8.0, QStringLiteral("ms"), kTickSize, Anchor::Start, kMuted);

    const double columnWidth = plotWidth / double(columns);
    const double barWidth = std::max(1.0, columnWidth * (columnWidth > 4.0 ? 0.8 : 1.0));
    const double yScale = (bottom - top) / yMax;
    for (size_t c = 0; c < columns; ++c) {
        double y = bottom;
        const double x = kLeft + double(c) * columnWidth + (columnWidth - barWidth) / 2.0;
        for (Stage stage : stages) {
            const double h = means[c][size_t(stage)] * yScale;
            if (h <= 0.0)
                continue;
            canvas.rect(x, y - h, barWidth, h, stageColor(stage));
            y -= h;
        }
    }

    // Batch numbers under the columns.
    const std::vector<double> xTicks = SvgCanvas::niceTicks(0.0, double(batches.size() - 1), 8);
    for (double tick : xTicks) {
        const auto index = size_t(tick);
        if (index >= batches.size())
            continue;
        const double x = kLeft + (double(index / perColumn) + 0.5) * columnWidth;
        canvas.line(x, bottom, x, bottom + 4.0, kAxis, 1.0);
        canvas.text(x, bottom + 16.0, QString::number(batches[index]->seq), kTickSize, Anchor::Middle, kMuted);
    }
    canvas.text((kLeft + right) / 2.0, bottom + 33.0,
                perColumn == 1
                    ? QStringLiteral("batch")
                    : QStringLiteral("batch (each column: the mean of %1 consecutive batches)").arg(perColumn),
                kTickSize, Anchor::Middle, kMuted);
    return canvas.finish();
}

QString ReportCharts::loss(const RunRecord &record, double width)
{
    constexpr double kLeft = 60.0;
    const double right = width - 20.0;
    const LossSeries series = lossSeries(record, int((right - kLeft) / 2.0));
    if (series.mean.empty())
        return emptyChart(width, QStringLiteral("No training steps were recorded"));

    const double top = 34.0;
    const double bottom = top + 200.0;
    const double height = bottom + 40.0;
    SvgCanvas canvas(width, height, QStringLiteral("Training loss per step"));

    // Validation loss per epoch, placed at the last step of its epoch.
    std::vector<QPointF> validation;
    std::map<quint32, int> lastStepOfEpoch;
    std::vector<const StepPoint *> steps;
    for (const StepPoint &step : record.steps)
        steps.push_back(&step);
    std::stable_sort(steps.begin(), steps.end(),
                     [](const StepPoint *a, const StepPoint *b) { return a->seq < b->seq; });
    for (size_t i = 0; i < steps.size(); ++i)
        lastStepOfEpoch[steps[i]->epoch] = int(i) + 1;
    double maxLoss = series.maxLoss;
    for (const EpochPoint &epoch : record.epochs) {
        const auto last = lastStepOfEpoch.find(epoch.epoch);
        if (epoch.split != protocol::Split::Val || last == lastStepOfEpoch.end() || !std::isfinite(epoch.meanLoss))
            continue;
        validation.emplace_back(last->second, epoch.meanLoss);
        maxLoss = std::max(maxLoss, double(epoch.meanLoss));
    }

    const double xMax = std::max(2.0, double(series.steps));
    const std::vector<double> yTicks = SvgCanvas::niceTicks(0.0, std::max(maxLoss, 1e-6), 5);
    const double yMax = std::max(maxLoss, yTicks.back());
    const double yStep = tickStep(yTicks);
    verticalAxis(canvas, kLeft, right, top, bottom, 0.0, yMax, yTicks,
                 [yStep](double v) { return tickNumber(v, yStep); });
    auto px = [&](double step) { return kLeft + (step - 1.0) / (xMax - 1.0) * (right - kLeft); };
    auto py = [&](double value) { return bottom - value / yMax * (bottom - top); };

    const std::vector<double> xTicks = SvgCanvas::niceTicks(1.0, xMax, 8);
    for (double tick : xTicks) {
        if (tick < 1.0 || tick > xMax)
            continue;
        canvas.line(px(tick), bottom, px(tick), bottom + 4.0, kAxis, 1.0);
        canvas.text(px(tick), bottom + 16.0, NumberFormat::integer(qint64(tick)), kTickSize, Anchor::Middle, kMuted);
    }
    canvas.text((kLeft + right) / 2.0, bottom + 33.0, QStringLiteral("step"), kTickSize, Anchor::Middle, kMuted);
    canvas.text(12.0, top - 8.0, QStringLiteral("loss"), kTickSize, Anchor::Start, kMuted);

    // Epoch boundaries.
    if (lastStepOfEpoch.size() > 1) {
        for (auto it = lastStepOfEpoch.begin(); std::next(it) != lastStepOfEpoch.end(); ++it) {
            const double x = px(double(it->second) + 0.5);
            canvas.line(x, top, x, bottom, kAxis, 1.0, true);
            canvas.text(x + 4.0, top + 11.0, QStringLiteral("epoch %1").arg(std::next(it)->first + 1), 10.0,
                        Anchor::Start, kMuted);
        }
    }

    const QString colour = seriesColor(0);
    if (!series.upper.empty()) {
        std::vector<QPointF> band;
        for (const QPointF &point : series.upper)
            band.emplace_back(px(point.x()), py(point.y()));
        for (auto it = series.lower.rbegin(); it != series.lower.rend(); ++it)
            band.emplace_back(px(it->x()), py(it->y()));
        canvas.polygon(band, colour, 0.15);
    }
    std::vector<QPointF> line;
    for (const QPointF &point : series.mean)
        line.emplace_back(px(point.x()), py(point.y()));
    canvas.polyline(line, colour, 1.8);
    for (const QPointF &point : validation)
        canvas.circle(px(point.x()), py(point.y()), 4.5, QStringLiteral("#ffffff"), seriesColor(1));

    std::vector<LegendItem> items{{series.upper.empty() ? QStringLiteral("training loss per step")
                                                        : QStringLiteral("training loss (mean, min–max band)"),
                                   colour}};
    if (!validation.empty())
        items.push_back({QStringLiteral("validation loss, end of epoch"), seriesColor(1)});
    legend(&canvas, items, kLeft, 14.0, right);
    return canvas.finish();
}

QString ReportCharts::lossComparison(const RunRecord &a, const RunRecord &b, const QString &labelA,
                                     const QString &labelB, double width)
{
    constexpr double kLeft = 60.0;
    const double right = width - 20.0;
    const int maxPoints = int((right - kLeft) / 2.0);
    const std::array<LossSeries, 2> series{lossSeries(a, maxPoints), lossSeries(b, maxPoints)};
    if (series[0].mean.empty() && series[1].mean.empty())
        return emptyChart(width, QStringLiteral("Neither run recorded training steps"));

    const double top = 34.0;
    const double bottom = top + 200.0;
    SvgCanvas canvas(width, bottom + 40.0, QStringLiteral("Training loss per step, both runs"));
    const double xMax = std::max(2.0, double(std::max(series[0].steps, series[1].steps)));
    const double maxLoss =
        std::max(series[0].mean.empty() ? 0.0 : series[0].maxLoss, series[1].mean.empty() ? 0.0 : series[1].maxLoss);
    const std::vector<double> yTicks = SvgCanvas::niceTicks(0.0, std::max(maxLoss, 1e-6), 5);
    const double yMax = std::max(maxLoss, yTicks.back());
    const double yStep = tickStep(yTicks);
    verticalAxis(canvas, kLeft, right, top, bottom, 0.0, yMax, yTicks,
                 [yStep](double v) { return tickNumber(v, yStep); });
    auto px = [&](double step) { return kLeft + (step - 1.0) / (xMax - 1.0) * (right - kLeft); };
    auto py = [&](double value) { return bottom - value / yMax * (bottom - top); };
    for (double tick : SvgCanvas::niceTicks(1.0, xMax, 8)) {
        if (tick < 1.0 || tick > xMax)
            continue;
        canvas.line(px(tick), bottom, px(tick), bottom + 4.0, kAxis, 1.0);
        canvas.text(px(tick), bottom + 16.0, NumberFormat::integer(qint64(tick)), kTickSize, Anchor::Middle, kMuted);
    }
    canvas.text((kLeft + right) / 2.0, bottom + 33.0, QStringLiteral("step"), kTickSize, Anchor::Middle, kMuted);
    canvas.text(12.0, top - 8.0, QStringLiteral("loss"), kTickSize, Anchor::Start, kMuted);
    for (int s = 0; s < 2; ++s) {
        std::vector<QPointF> line;
        for (const QPointF &point : series[size_t(s)].mean)
            line.emplace_back(px(point.x()), py(point.y()));
        canvas.polyline(line, seriesColor(s), 1.8);
    }
    legend(&canvas, {{labelA, seriesColor(0)}, {labelB, seriesColor(1)}}, kLeft, 14.0, right);
    return canvas.finish();
}

QString ReportCharts::stageComparison(const TimingSummary &a, const TimingSummary &b, const QString &labelA,
                                      const QString &labelB, double width)
{
    std::vector<Stage> stages;
    for (int i = 0; i < protocol::kStageCount; ++i) {
        if (a.stats(Stage(i)) || b.stats(Stage(i)))
            stages.push_back(Stage(i));
    }
    if (stages.empty())
        return emptyChart(width, QStringLiteral("Neither run recorded stage timings"));

    constexpr double kLeft = 120.0;
    constexpr double kGroup = 30.0;
    constexpr double kBar = 10.0;
    const double right = width - 90.0;
    const double top = 30.0;
    const double bottom = top + kGroup * double(stages.size());
    std::vector<double> values;
    for (Stage stage : stages) {
        for (const TimingSummary *summary : {&a, &b}) {
            if (const StageStats *stats = summary->stats(stage))
                values.push_back(stats->p50Ms);
        }
    }
    const LogAxis axis(values);

    SvgCanvas canvas(width, bottom + 40.0, QStringLiteral("Median latency per stage, both runs"));
    legend(&canvas, {{labelA, seriesColor(0)}, {labelB, seriesColor(1)}}, kLeft, 14.0, right);
    axis.draw(canvas, kLeft, right, top, bottom);
    canvas.text((kLeft + right) / 2.0, bottom + 32.0,
                QStringLiteral("median milliseconds per batch (p50, logarithmic scale)"), kTickSize, Anchor::Middle,
                kMuted);
    double y = top;
    for (Stage stage : stages) {
        canvas.text(kLeft - 8.0, y + kGroup / 2.0 + 4.0, NumberFormat::stageLabel(stage), kTickSize, Anchor::End, kInk);
        int s = 0;
        for (const TimingSummary *summary : {&a, &b}) {
            const double barY = y + 4.0 + double(s) * (kBar + 2.0);
            if (const StageStats *stats = summary->stats(stage)) {
                const double w = std::max(1.0, axis.position(stats->p50Ms) * (right - kLeft));
                canvas.rect(kLeft, barY, w, kBar, seriesColor(s));
                canvas.text(kLeft + w + 5.0, barY + 9.0, NumberFormat::ms(stats->p50Ms), 10.0, Anchor::Start, kMuted);
            } else {
                canvas.text(kLeft + 4.0, barY + 9.0, QStringLiteral("not recorded"), 10.0, Anchor::Start, kMuted);
            }
            ++s;
        }
        y += kGroup;
    }
    return canvas.finish();
}

} // namespace tandem
