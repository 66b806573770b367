// bench-report-export: times every report writer on a simulated run of N batches (default 10,000)
// and prints the figures; never gated on time. With --out DIR the files are kept for a look.
#include "report/report_exporter.h"
#include "timing/timing_summary.h"
#include "../core/report/synthetic_run.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // the PDF writer needs a QGuiApplication, not a display
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times Tandem's report writers on a simulated run."));
    parser.addHelpOption();
    const QCommandLineOption batches(QStringLiteral("batches"), QStringLiteral("Batches to simulate (default 10000)."),
                                     QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Keep the files in DIR."),
                                 QStringLiteral("DIR"));
    parser.addOptions({batches, out});
    parser.process(app);

    tandem::testing::SyntheticRun::Params params;
    params.batches = std::max(1, parser.value(batches).toInt());
    params.epochs = std::max(1, params.batches / 2000);
    params.valBatchesPerEpoch = std::min(50, params.batches / params.epochs / 10);
    QElapsedTimer timer;
    timer.start();
    const tandem::RunRecord record = tandem::testing::SyntheticRun::make(params);
    std::printf("simulated %d batches in %lld ms\n", params.batches, timer.elapsed());
    timer.restart();
    const tandem::TimingSummary summary = tandem::TimingSummary::compute(record);
    std::printf("%-22s %8lld ms\n", "summary", timer.elapsed());

    QTemporaryDir temporary;
    const QString dir = parser.isSet(out) ? parser.value(out) : temporary.path();
    using tandem::ReportExporter;
    const std::pair<ReportExporter::Format, const char *> formats[] = {
        {ReportExporter::Csv, "csv"},   {ReportExporter::Json, "json"}, {ReportExporter::Trace, "chrome trace"},
        {ReportExporter::Html, "html"}, {ReportExporter::Pdf, "pdf"},   {ReportExporter::Session, "session file"}};
    for (const auto &[format, name] : formats) {
        timer.restart();
        const tandem::ExportResult result = ReportExporter::exportAll(record, dir, QStringLiteral("bench"), format);
        const qint64 elapsed = timer.elapsed();
        if (!result.ok()) {
            std::fprintf(stderr, "%s: %s\n", name, qPrintable(result.error));
            return 1;
        }
        std::printf("%-22s %8lld ms %10.1f KiB\n", name, elapsed,
                    double(QFileInfo(result.written.first()).size()) / 1024.0);
    }
    std::printf("verdict: %s\n", qPrintable(summary.verdict));
    return 0;
}
