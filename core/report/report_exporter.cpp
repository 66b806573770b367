#include "report/report_exporter.h"

#include "report/chrome_trace_writer.h"
#include "report/csv_report_writer.h"
#include "report/html_report_writer.h"
#include "report/json_report_writer.h"
#include "report/pdf_report_writer.h"
#include "report/report_builder.h"
#include "report/report_log.h"
#include "timing/run_record.h"
#include "timing/session_file.h"
#include "timing/timing_summary.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <functional>

namespace tandem {

namespace {

constexpr double kHtmlChartWidth = 960.0;
constexpr double kPdfChartWidth = 720.0;

} // namespace

int ReportExporter::formatCount(Formats formats)
{
    int count = 0;
    for (Format format : {Csv, Json, Trace, Html, Pdf, Session})
        count += formats.testFlag(format) ? 1 : 0;
    return count;
}

ExportResult ReportExporter::exportAll(const RunRecord &record, const QString &dir, const QString &baseName,
                                       Formats formats, const std::atomic<bool> *cancel, const Progress &progress)
{
    ExportResult result;
    if (baseName.isEmpty() || baseName.contains(QLatin1Char('/'))) {
        result.error = QStringLiteral("invalid report name \"%1\"").arg(baseName);
        return result;
    }
    if (!QDir().mkpath(dir)) {
        result.error = QStringLiteral("cannot create the folder %1").arg(dir);
        return result;
    }
    const QDir folder(dir);
    auto path = [&](const QString &suffix) { return QFileInfo(folder.filePath(baseName + suffix)).absoluteFilePath(); };

    const TimingSummary summary = TimingSummary::compute(record);
    QStringList companions;
    const std::pair<Format, QString> names[] = {
        {Csv, QStringLiteral(".csv")},   {Json, QStringLiteral(".json")}, {Trace, QStringLiteral(".trace.json")},
        {Html, QStringLiteral(".html")}, {Pdf, QStringLiteral(".pdf")},   {Session, SessionFile::suffix()}};
    for (const auto &[format, suffix] : names) {
        if (formats.testFlag(format))
            companions << baseName + suffix;
    }

    const qint64 total = formatCount(formats);
    qint64 done = 0;
    if (progress)
        progress(0, total);
    auto run = [&](Format format, const QString &suffix, const std::function<QString(const QString &)> &writer) {
        if (!result.error.isEmpty() || result.cancelled || !formats.testFlag(format))
            return;
        if (cancel && cancel->load()) {
            result.cancelled = true;
            return;
        }
        const QString target = path(suffix);
        result.error = writer(target);
        if (result.error.isEmpty())
            result.written << target;
        else
            qCWarning(lcReport) << "export failed:" << result.error;
        if (progress)
            progress(++done, total);
    };
    run(Csv, QStringLiteral(".csv"), [&](const QString &target) { return CsvReportWriter::write(record, target); });
    run(Json, QStringLiteral(".json"),
        [&](const QString &target) { return JsonReportWriter::write(record, summary, target); });
    run(Trace, QStringLiteral(".trace.json"),
        [&](const QString &target) { return ChromeTraceWriter::write(record, target); });
    run(Html, QStringLiteral(".html"), [&](const QString &target) {
        ReportBuilder::Options options;
        options.chartWidth = kHtmlChartWidth;
        options.companionFiles = companions;
        return HtmlReportWriter::write(ReportBuilder::build(record, summary, options), target);
    });
    run(Pdf, QStringLiteral(".pdf"), [&](const QString &target) {
        ReportBuilder::Options options;
        options.chartWidth = kPdfChartWidth;
        options.companionFiles = companions;
        PdfReportWriter::Options pdf;
        pdf.chartWidth = kPdfChartWidth;
        return PdfReportWriter::write(ReportBuilder::build(record, summary, options), target, pdf);
    });
    run(Session, SessionFile::suffix(), [&](const QString &target) { return SessionFile::save(record, target); });
    if (result.cancelled) {
        for (const QString &written : std::as_const(result.written))
            QFile::remove(written);
        result.written.clear();
        qCInfo(lcReport) << "export cancelled; removed what it had written";
    }
    return result;
}

ExportResult ReportExporter::exportComparison(const RunRecord &a, const RunRecord &b, const QString &htmlPath)
{
    ExportResult result;
    const QFileInfo info(htmlPath);
    if (!QDir().mkpath(info.absolutePath())) {
        result.error = QStringLiteral("cannot create the folder %1").arg(info.absolutePath());
        return result;
    }
    ReportBuilder::Options options;
    options.chartWidth = kHtmlChartWidth;
    const ReportDocument document =
        ReportBuilder::buildComparison(a, TimingSummary::compute(a), b, TimingSummary::compute(b), options);
    result.error = HtmlReportWriter::write(document, info.absoluteFilePath());
    if (result.error.isEmpty())
        result.written << info.absoluteFilePath();
    return result;
}

QString ReportExporter::suggestedBaseName(const RunRecord &record)
{
    QString name = record.title.toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    name = name.left(48);
    while (name.startsWith(QLatin1Char('-')))
        name.remove(0, 1);
    while (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    if (name.isEmpty())
        name = QStringLiteral("tandem-run");
    if (record.startedAt.isValid())
        name += QLatin1Char('-') + record.startedAt.toString(QStringLiteral("yyyyMMdd-HHmm"));
    return name;
}

} // namespace tandem
