// bench-charts: how long the dashboards take to redraw with a million loss points.
//
//   bench-charts [--points N] [--batches N] [--repeat N] [--grab file.png]
//
// Prints the median over the repeats of: decimating the loss series, a chart redraw (decimate and
// replace the series), and a redraw plus the paint a person sees, for the whole run and zoomed in;
// the line charts' figures both with the lines as Qt Charts series (the baseline) and painted with
// QPainter (the app), measured round by round in the same run, with their ratio.
// Runs offscreen unless QT_QPA_PLATFORM says otherwise. A benchmark: it never fails on time.
#include "dashboard_view.h"
#include "live_line_chart.h"
#include "stage_latency_chart.h"
#include "theme.h"

#include <QApplication>
#include <QChart>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace tandem;

namespace {
BatchRecord syntheticBatch(quint64 seq)
{
    using protocol::Stage;
    BatchRecord r;
    r.seq = seq;
    qint64 t = qint64(seq) * 10'000'000;
    for (Stage stage : {Stage::Read, Stage::Decode, Stage::Transform, Stage::Encode, Stage::Send, Stage::Network,
                        Stage::Receive, Stage::Unpack, Stage::HostToDevice, Stage::Forward, Stage::Backward,
                        Stage::OptimizerStep, Stage::MetricsReturn}) {
        const qint64 length = 200'000 + qint64((seq * 31 + quint64(stage) * 17) % 1000) * 1000;
        r.spans.push_back({stage, t, t + length});
        t += length;
    }
    return r;
}
} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Redraw time of Tandem's live charts with many points."));
    parser.addHelpOption();
    const QCommandLineOption pointsOption(QStringLiteral("points"), QStringLiteral("Loss points (default 1000000)."),
                                          QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption batchesOption(QStringLiteral("batches"),
                                           QStringLiteral("Timed batches for the stage chart (default 20000)."),
                                           QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"), QStringLiteral("Repeats per figure (default 15)."),
                                          QStringLiteral("N"), QStringLiteral("15"));
    const QCommandLineOption grabOption(QStringLiteral("grab"),
                                        QStringLiteral("Also save the dashboard as drawn to this PNG, to look at."),
                                        QStringLiteral("file"));
    parser.addOptions({pointsOption, batchesOption, repeatOption, grabOption});
    parser.process(app);
    const int points = std::max(1, parser.value(pointsOption).toInt());
    const int batches = std::max(0, parser.value(batchesOption).toInt());
    const int repeat = std::max(1, parser.value(repeatOption).toInt());

    Theme::apply(Theme::Mode::Light);
    DashboardView view;
    view.resize(1600, 1000);
    view.show();
    QCoreApplication::processEvents();

    QElapsedTimer fill;
    fill.start();
    for (int i = 0; i < points; ++i) {
        const float loss =
            float(2.3 * std::exp(-i / (points / 5.0)) + 0.05 + 0.2 * std::abs(std::sin(i * 12.9898) * 0.5));
        view.metrics().addStep(StepPoint{quint64(i), quint32(i / 10000), loss, 0.05F, float(1000 + (i % 97)), 0});
    }
    for (int i = 0; i < batches; ++i)
        view.metrics().addBatch(syntheticBatch(quint64(i)));
    const double fillMs = double(fill.nsecsElapsed()) / 1e6;
    view.redrawNow();
    QCoreApplication::processEvents();

    LiveLineChart *loss = view.lossChart();
    const int columns = int(loss->chart()->plotArea().width());
    const auto &series = view.metrics().loss();
    const QList<LiveLineChart *> lineCharts{loss, view.throughputChart(), view.accuracyChart()};

    // Every figure for both ways of drawing the lines, interleaved round by round so that a
    // machine loaded by others weighs on both alike: the lines as Qt Charts series (the baseline)
    // and painted with QPainter over the Qt Charts frame (the app's).
    using Backend = LiveLineChart::Backend;
    enum Figure {
        Redraw,
        RedrawPaint,
        Zoomed,
        LossPaint,
        ThroughputPaint,
        AccuracyPaint,
        Dashboard,
        DashboardRedraw,
        DashboardPaint,
        FigureCount
    };
    struct Samples {
        std::vector<double> ms[FigureCount];
    };
    Samples samples[2];
    std::vector<double> decimate, stages, stagesRedraw, stagesPaint;
    auto timeOnce = [](std::vector<double> &into, const std::function<void()> &work) {
        QElapsedTimer clock;
        clock.start();
        work();
        into.push_back(double(clock.nsecsElapsed()) / 1e6);
    };
    int drawn = 0;
    for (int round = 0; round < repeat; ++round) {
        for (const Backend backend : {Backend::QtCharts, Backend::Painter}) {
            Samples &out = samples[backend == Backend::Painter ? 1 : 0];
            for (LiveLineChart *chart : lineCharts)
                chart->setBackend(backend);
            // Untimed: the legend lays out its new markers, and the first paint after a switch.
            QCoreApplication::processEvents();
            view.redrawNow();
            view.repaint();
            timeOnce(out.ms[Redraw], [&] { loss->redraw(); });
            timeOnce(out.ms[RedrawPaint], [&] {
                loss->redraw();
                loss->viewport()->repaint();
            });
            drawn = int(loss->series(0)->count());
            timeOnce(out.ms[Dashboard], [&] {
                view.redrawNow();
                view.repaint();
            });
            timeOnce(out.ms[DashboardRedraw], [&] { view.redrawNow(); });
            timeOnce(out.ms[DashboardPaint], [&] { view.repaint(); });
            loss->xAxis()->setRange(points * 0.45, points * 0.55); // a person zooms in on a tenth
            timeOnce(out.ms[Zoomed], [&] {
                loss->redraw();
                loss->viewport()->repaint();
            });
            loss->resetZoom();
            // Where a redraw + paint goes: each chart's paint alone.
            timeOnce(out.ms[LossPaint], [&] { loss->viewport()->repaint(); });
            timeOnce(out.ms[ThroughputPaint], [&] { view.throughputChart()->viewport()->repaint(); });
            timeOnce(out.ms[AccuracyPaint], [&] { view.accuracyChart()->viewport()->repaint(); });
        }
        // The stage chart paints its bands itself either way.
        timeOnce(decimate, [&] { (void)series.decimate(1, points, columns); });
        timeOnce(stages, [&] {
            view.stageChart()->redraw();
            view.stageChart()->viewport()->repaint();
        });
        timeOnce(stagesRedraw, [&] { view.stageChart()->redraw(); });
        timeOnce(stagesPaint, [&] { view.stageChart()->viewport()->repaint(); });
    }
    for (LiveLineChart *chart : lineCharts)
        chart->setBackend(Backend::Painter);
    auto median = [](std::vector<double> ms) {
        std::sort(ms.begin(), ms.end());
        return ms.empty() ? 0.0 : ms[ms.size() / 2];
    };

    if (parser.isSet(grabOption)) {
        // FILE as the app draws it, and FILE's name with -qtcharts for the baseline, to compare.
        const QString painted = parser.value(grabOption);
        QString baseline = painted;
        baseline.insert(painted.endsWith(QLatin1String(".png")) ? painted.size() - 4 : painted.size(),
                        QLatin1String("-qtcharts"));
        loss->resetZoom();
        for (const Backend backend : {Backend::QtCharts, Backend::Painter}) {
            for (LiveLineChart *chart : lineCharts)
                chart->setBackend(backend);
            view.redrawNow();
            QCoreApplication::processEvents(); // the legend lays out its new markers
            const QString file = backend == Backend::Painter ? painted : baseline;
            if (!view.grab().save(file))
                std::fprintf(stderr, "bench-charts: cannot write %s\n", qPrintable(file));
        }
    }
    std::printf("bench-charts: %d loss points (raw + smoothed), %d timed batches, plot %d px wide, median of %d\n",
                points, batches, columns, repeat);
    std::printf("  lines drawn as Qt Charts series (baseline) and painted with QPainter (the app), interleaved\n");
    auto row = [](const char *what, double ms, const QString &note = {}) {
        std::printf("  %-44s %9.2f ms  %s\n", what, ms, qPrintable(note));
    };
    auto pair = [&](const char *what, Figure f, const QString &note = {}) {
        const double before = median(samples[0].ms[f]);
        const double after = median(samples[1].ms[f]);
        std::printf("  %-44s %9.2f ms  %9.2f ms  %6.2fx  %s\n", what, before, after, after > 0 ? before / after : 0.0,
                    qPrintable(note));
    };
    row("filling the metrics (once)", fillMs);
    row("decimating the loss (min/max per column)", median(decimate),
        QStringLiteral("%1 points drawn of %2").arg(drawn).arg(points));
    row("stage chart redraw (profile + replace)", median(stagesRedraw), QStringLiteral("%1 batches").arg(batches));
    row("stage chart redraw + paint", median(stages), QStringLiteral("%1 batches (target <= 8 ms)").arg(batches));
    row("paint alone: stage chart", median(stagesPaint));
    std::printf("  %-44s %12s  %12s  %7s\n", "", "Qt Charts", "QPainter", "ratio");
    pair("loss chart redraw (decimate + lines)", Redraw);
    pair("loss chart redraw + paint", RedrawPaint);
    pair("loss chart zoomed to 10%, redraw + paint", Zoomed);
    pair("paint alone: loss chart", LossPaint);
    pair("paint alone: throughput chart", ThroughputPaint);
    pair("paint alone: accuracy chart", AccuracyPaint);
    pair("whole dashboard: redraw alone", DashboardRedraw, QStringLiteral("four charts, tiles, verdict"));
    pair("whole dashboard: paint alone", DashboardPaint);
    pair("whole dashboard redraw + paint", Dashboard,
         QStringLiteral("4 series of %1 points (target <= 16 ms); redraw timer %2 ms")
             .arg(points)
             .arg(DashboardView::kRedrawMs));
    return 0;
}
