// bench-charts: how long the dashboards take to redraw with a million loss points.
//
//   bench-charts [--points N] [--batches N] [--repeat N] [--grab file.png]
//
// Prints the median over the repeats of: decimating the loss series, a chart redraw (decimate and
// replace the series), and a redraw plus the paint a person sees, for the whole run and zoomed in.
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
double medianMs(int repeat, const std::function<void()> &work)
{
    std::vector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer clock;
        clock.start();
        work();
        ms.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

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
    const double decimateMs = medianMs(repeat, [&] { (void)series.decimate(1, points, columns); });
    const double redrawMs = medianMs(repeat, [&] { loss->redraw(); });
    const double redrawPaintMs = medianMs(repeat, [&] {
        loss->redraw();
        loss->viewport()->repaint();
    });
    const int drawn = int(loss->series(0)->count());
    const double dashboardMs = medianMs(std::max(1, repeat / 3), [&] {
        view.redrawNow();
        view.repaint();
    });
    loss->xAxis()->setRange(points * 0.45, points * 0.55); // a person zooms in on a tenth
    const double zoomedMs = medianMs(repeat, [&] {
        loss->redraw();
        loss->viewport()->repaint();
    });
    const double stagesMs = medianMs(repeat, [&] {
        view.stageChart()->redraw();
        view.stageChart()->viewport()->repaint();
    });
    const double stagesRedrawMs = medianMs(repeat, [&] { view.stageChart()->redraw(); });
    loss->resetZoom();
    // Where a redraw + paint goes: each chart's paint alone, and the rest of the dashboard.
    const double lossPaintMs = medianMs(repeat, [&] { loss->viewport()->repaint(); });
    const double throughputPaintMs = medianMs(repeat, [&] { view.throughputChart()->viewport()->repaint(); });
    const double accuracyPaintMs = medianMs(repeat, [&] { view.accuracyChart()->viewport()->repaint(); });
    const double stagesPaintMs = medianMs(repeat, [&] { view.stageChart()->viewport()->repaint(); });

    if (parser.isSet(grabOption)) {
        loss->resetZoom();
        view.redrawNow();
        if (!view.grab().save(parser.value(grabOption)))
            std::fprintf(stderr, "bench-charts: cannot write %s\n", qPrintable(parser.value(grabOption)));
    }
    std::printf("bench-charts: %d loss points (raw + smoothed), %d timed batches, plot %d px wide, median of %d\n",
                points, batches, columns, repeat);
    auto row = [](const char *what, double ms, const QString &note = {}) {
        std::printf("  %-44s %9.2f ms  %s\n", what, ms, qPrintable(note));
    };
    row("filling the metrics (once)", fillMs);
    row("decimating the loss (min/max per column)", decimateMs,
        QStringLiteral("%1 points drawn of %2").arg(drawn).arg(points));
    row("loss chart redraw (decimate + replace)", redrawMs);
    row("loss chart redraw + paint", redrawPaintMs);
    row("loss chart zoomed to 10%, redraw + paint", zoomedMs);
    row("stage chart redraw (profile + replace)", stagesRedrawMs, QStringLiteral("%1 batches").arg(batches));
    row("stage chart redraw + paint", stagesMs, QStringLiteral("%1 batches").arg(batches));
    row("paint alone: loss chart", lossPaintMs);
    row("paint alone: throughput chart", throughputPaintMs);
    row("paint alone: accuracy chart", accuracyPaintMs);
    row("paint alone: stage chart", stagesPaintMs);
    row("whole dashboard redraw + paint", dashboardMs,
        QStringLiteral("4 series of %1 points; redraw timer %2 ms").arg(points).arg(DashboardView::kRedrawMs));
    return 0;
}
