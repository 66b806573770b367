// Tests the report writers on a simulated run: CSV rows, trace structure and ordering, HTML
// charts and figures, and a PDF that poppler renders.
#include "report/chrome_trace_writer.h"
#include "report/csv_report_writer.h"
#include "report/html_report_writer.h"
#include "report/number_format.h"
#include "report/report_builder.h"
#include "report/report_document.h"
#include "report/report_exporter.h"
#include "synthetic_run.h"
#include "trace_checker.h"
#include "timing/session_file.h"
#include "timing/timing_summary.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <map>

using tandem::ChromeTraceWriter;
using tandem::CsvReportWriter;
using tandem::HtmlReportWriter;
using tandem::NumberFormat;
using tandem::ReportBlock;
using tandem::ReportBuilder;
using tandem::ReportDocument;
using tandem::ReportExporter;
using tandem::ReportSection;
using tandem::ReportTable;
using tandem::RunRecord;
using tandem::SessionFile;
using tandem::TimingSummary;
using tandem::protocol::Span;
using tandem::protocol::Stage;
using tandem::testing::SyntheticRun;
using tandem::testing::TraceChecker;

namespace {

SyntheticRun::Params params(int batches, int valBatches, quint32 seed)
{
    SyntheticRun::Params p;
    p.batches = batches;
    p.valBatchesPerEpoch = valBatches;
    p.seed = seed;
    return p;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList svgDocuments(const QString &html)
{
    QStringList svgs;
    const QRegularExpression pattern(QStringLiteral("<svg[\\s\\S]*?</svg>"));
    for (auto it = pattern.globalMatch(html); it.hasNext();)
        svgs << it.next().captured(0);
    return svgs;
}

} // namespace

class TestReportWriters : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void csvRows_data();
    void csvRows();
    void traceStructureAndOrder_data();
    void traceStructureAndOrder();
    void traceCatchesDisorder();
    void concurrentSpansGetTheirOwnLanes();
    void htmlHoldsChartsAndFigures();
    void exportAllWritesEveryFormat();
    void pdfRendersWithPdftoppm();
    void comparisonReport();
    void emptyRunStillExports();
};

void TestReportWriters::csvRows_data()
{
    QTest::addColumn<int>("batches");
    QTest::addColumn<int>("valBatches");
    QTest::newRow("12 train batches") << 12 << 0;
    QTest::newRow("80 batches with validation") << 80 << 5;
}

void TestReportWriters::csvRows()
{
    QFETCH(int, batches);
    QFETCH(int, valBatches);
    const RunRecord record = SyntheticRun::make(params(batches, valBatches, 11));
    const QList<QByteArray> lines = CsvReportWriter::render(record).split('\n');
    QCOMPARE(lines.first(), QByteArray("seq,epoch,split,stage,host,start_ms,end_ms,duration_ms"));
    QVERIFY(lines.last().isEmpty()); // ends with a newline

    size_t spans = 0;
    std::map<qint64, int> rowsPerBatch;
    for (const auto &batch : record.batches)
        spans += batch.spans.size();
    for (int i = 1; i < lines.size() - 1; ++i) {
        const QList<QByteArray> fields = lines[i].split(',');
        QCOMPARE(fields.size(), 8);
        ++rowsPerBatch[fields[0].toLongLong()];
        const double start = fields[5].toDouble();
        const double end = fields[6].toDouble();
        QVERIFY2(start >= 0.0 && end >= start, lines[i].constData());
        QVERIFY(qAbs(fields[7].toDouble() - (end - start)) <= 0.0015);
        QVERIFY(fields[2] == "train" || fields[2] == "val");
    }
    QCOMPARE(size_t(lines.size() - 2), spans);
    QCOMPARE(int(rowsPerBatch.size()), batches);
    for (const auto &batch : record.batches)
        QCOMPARE(rowsPerBatch[qint64(batch.seq)], int(batch.spans.size()));
    // Training batches carry every one of the 15 stages; validation ones have no backward/step.
    QCOMPARE(rowsPerBatch[0], tandem::protocol::kStageCount);
}

void TestReportWriters::traceStructureAndOrder_data()
{
    QTest::addColumn<int>("batches");
    QTest::addColumn<int>("credits");
    QTest::newRow("small window") << 40 << 2;
    QTest::newRow("deep pipeline") << 120 << 8;
}

void TestReportWriters::traceStructureAndOrder()
{
    QFETCH(int, batches);
    QFETCH(int, credits);
    SyntheticRun::Params p = params(batches, 4, 3);
    p.credits = credits;
    const RunRecord record = SyntheticRun::make(p);
    const TraceChecker::Result result =
        TraceChecker::check(ChromeTraceWriter::render(record), record.clockUncertaintyNs);
    QVERIFY2(result.problem.isEmpty(), qPrintable(result.problem));
    int spans = 0;
    for (const auto &batch : record.batches)
        spans += int(batch.spans.size());
    QCOMPARE(result.completeEvents, spans);
    QCOMPARE(result.batches, batches);
}

void TestReportWriters::traceCatchesDisorder()
{
    // The checker itself must fail on a trace whose agent clock was not corrected.
    RunRecord record = SyntheticRun::make(params(10, 0, 5));
    for (auto &batch : record.batches) {
        for (Span &span : batch.spans) {
            if (tandem::protocol::stageInfo(span.stage).host == tandem::protocol::Host::Agent) {
                span.startNs -= 2'000'000; // 2 ms early: far beyond the 85 µs uncertainty
                span.endNs -= 2'000'000;
            }
        }
    }
    const TraceChecker::Result result =
        TraceChecker::check(ChromeTraceWriter::render(record), record.clockUncertaintyNs);
    QVERIFY2(result.problem.contains(QLatin1String("receive starts")), qPrintable(result.problem));
}

void TestReportWriters::concurrentSpansGetTheirOwnLanes()
{
    RunRecord record;
    record.wallStartNs = 1'000;
    for (quint64 seq = 0; seq < 3; ++seq) {
        tandem::BatchRecord batch;
        batch.seq = seq;
        batch.samples = 8;
        // Decode of batches 0 and 1 overlap; batch 2 starts after both.
        const qint64 start = seq == 2 ? 40'000 : 1'000 + qint64(seq) * 5'000;
        batch.spans.push_back(Span{Stage::Decode, start, start + 10'000});
        record.batches.push_back(batch);
    }
    const QJsonArray events = QJsonDocument::fromJson(ChromeTraceWriter::render(record))
                                  .object()
                                  .value(QStringLiteral("traceEvents"))
                                  .toArray();
    std::map<qint64, int> tidOfBatch;
    QStringList threadNames;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("ph")).toString() == QLatin1String("X"))
            tidOfBatch[event.value(QStringLiteral("args")).toObject().value(QStringLiteral("batch")).toInteger()] =
                event.value(QStringLiteral("tid")).toInt();
        if (event.value(QStringLiteral("name")).toString() == QLatin1String("thread_name"))
            threadNames << event.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
    }
    QVERIFY(tidOfBatch[0] != tidOfBatch[1]);
    QCOMPARE(tidOfBatch[2], tidOfBatch[0]); // the first lane is free again
    QCOMPARE(threadNames, (QStringList{QStringLiteral("decode"), QStringLiteral("decode (2)")}));
}

void TestReportWriters::htmlHoldsChartsAndFigures()
{
    const RunRecord record = SyntheticRun::make(params(160, 8, 21));
    const TimingSummary summary = TimingSummary::compute(record);
    ReportBuilder::Options options;
    const ReportDocument document = ReportBuilder::build(record, summary, options);
    const QString html = QString::fromUtf8(HtmlReportWriter::render(document));

    // Epochs count from 1 in the report, as in the app and the CLI.
    const ReportTable *epochs = nullptr;
    for (const ReportSection &section : document.sections)
        for (const ReportBlock &block : section.blocks)
            if (const auto *table = std::get_if<ReportTable>(&block); table && table->title == QLatin1String("Epochs"))
                epochs = table;
    QVERIFY(epochs && !epochs->rows.empty());
    QCOMPARE(record.epochs.front().epoch, 0U);
    QCOMPARE(epochs->rows.front().front(), QStringLiteral("1"));

    const QStringList svgs = svgDocuments(html);
    QCOMPARE(svgs.size(), 5); // overlap, timeline, percentiles, per-batch latency, loss
    for (const QString &svg : svgs) {
        QXmlStreamReader xml(svg);
        while (!xml.atEnd())
            xml.readNext();
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(QSvgRenderer(svg.toUtf8()).isValid());
        QVERIFY(svg.count(QLatin1String("<rect")) + svg.count(QLatin1String("<polyline")) >= 3);
    }
    // The summary's figures, as a reader sees them.
    QVERIFY(html.contains(QStringLiteral("<div class=\"value\">%1 <span class=\"unit\">samples/s</span>")
                              .arg(NumberFormat::fixed(summary.samplesPerSecond, 0))));
    QVERIFY(html.contains(NumberFormat::seconds(summary.wallSeconds)));
    QVERIFY(html.contains(NumberFormat::fixed(summary.overlapEfficiency, 2)));
    QVERIFY(html.contains(NumberFormat::seconds(summary.sequentialSeconds)));
    QVERIFY(summary.hasBottleneck);
    QVERIFY(html.contains(
        QStringLiteral("<div class=\"value\">%1</div>").arg(NumberFormat::stageLabel(summary.bottleneck))));
    QVERIFY(html.contains(summary.verdict.mid(1).toHtmlEscaped()));
    QVERIFY(html.contains(QStringLiteral("Fashion-MNIST (sample)"))); // run settings
    for (const auto &stats : summary.stages)
        QVERIFY(html.contains(NumberFormat::ms(stats.p95Ms, false)));
    // Self-contained: nothing to fetch.
    QVERIFY(!html.contains(QLatin1String("<link")));
    QVERIFY(!html.contains(QLatin1String("src=")));
    QVERIFY(!html.contains(QLatin1String("url(")));
    QCOMPARE(html.count(QStringLiteral("http")), html.count(QStringLiteral("http://www.w3.org/2000/svg")));
}

void TestReportWriters::exportAllWritesEveryFormat()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const RunRecord record = SyntheticRun::make(params(48, 4, 9));
    const tandem::ExportResult result =
        ReportExporter::exportAll(record, dir.filePath(QStringLiteral("out")), QStringLiteral("run"));
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QStringList suffixes{QStringLiteral("run.csv"),        QStringLiteral("run.json"),
                               QStringLiteral("run.trace.json"), QStringLiteral("run.html"),
                               QStringLiteral("run.pdf"),        QStringLiteral("run.tandem-run.json")};
    QCOMPARE(result.written.size(), suffixes.size());
    for (int i = 0; i < suffixes.size(); ++i) {
        QVERIFY2(result.written[i].endsWith(QLatin1Char('/') + suffixes[i]), qPrintable(result.written[i]));
        QVERIFY(QFileInfo(result.written[i]).size() > 0);
    }
    // The session file and the JSON report both reopen as the same run.
    for (const QString &path : {result.written[5], result.written[1]}) {
        const SessionFile::LoadResult loaded = SessionFile::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.message));
        QCOMPARE(loaded.run->batches.size(), record.batches.size());
        QCOMPARE(loaded.run->batches.back().spans.back().endNs, record.batches.back().spans.back().endNs);
    }
    const QJsonObject json = QJsonDocument::fromJson(readAll(result.written[1])).object();
    QCOMPARE(json.value(QStringLiteral("format")).toString(), QStringLiteral("tandem-timing-report"));
    const TimingSummary summary = TimingSummary::compute(record);
    const QJsonObject jsonSummary = json.value(QStringLiteral("summary")).toObject();
    QCOMPARE(jsonSummary.value(QStringLiteral("samplesPerSecond")).toDouble(), summary.samplesPerSecond);
    QCOMPARE(jsonSummary.value(QStringLiteral("stages")).toArray().size(), qsizetype(summary.stages.size()));
    QCOMPARE(jsonSummary.value(QStringLiteral("bottleneck")).toString(), NumberFormat::stageKey(summary.bottleneck));

    const tandem::ExportResult refused = ReportExporter::exportAll(record, dir.path(), QStringLiteral("a/b"));
    QVERIFY(!refused.ok());
    QVERIFY(refused.written.isEmpty());
}

void TestReportWriters::pdfRendersWithPdftoppm()
{
    const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (pdftoppm.isEmpty())
        QFAIL("pdftoppm is not installed: install poppler-utils (apt-get install poppler-utils) to check the PDF");

    QTemporaryDir dir;
    const RunRecord record = SyntheticRun::make(params(120, 6, 13));
    const tandem::ExportResult result =
        ReportExporter::exportAll(record, dir.path(), QStringLiteral("report"), ReportExporter::Pdf);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.written.size(), 1);
    const QByteArray pdf = readAll(result.written.first());
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));

    QProcess process;
    process.start(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("40"), result.written.first(),
                             dir.filePath(QStringLiteral("page"))});
    QVERIFY(process.waitForFinished(60'000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QStringList pages = QDir(dir.path()).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name);
    QVERIFY2(pages.size() >= 3, qPrintable(pages.join(QLatin1Char(' ')))); // charts, tables, settings
    QImage first(dir.filePath(pages.first()));
    QVERIFY(!first.isNull());
    QVERIFY(first.height() > first.width()); // portrait A4
    // Something was drawn: a blank page is all white.
    int inked = 0;
    for (int y = 0; y < first.height(); y += 2) {
        for (int x = 0; x < first.width(); x += 2)
            inked += qGray(first.pixel(x, y)) < 200 ? 1 : 0;
    }
    QVERIFY(inked > 100);
}

void TestReportWriters::comparisonReport()
{
    QTemporaryDir dir;
    SyntheticRun::Params slow = params(100, 5, 1);
    slow.title = QStringLiteral("Run with 1 worker");
    slow.workers = 1;
    slow.decodeMs = 30.0;
    SyntheticRun::Params fast = params(100, 5, 2);
    fast.title = QStringLiteral("Run with 4 workers");
    fast.workers = 4;
    const QString path = dir.filePath(QStringLiteral("compare.html"));
    const tandem::ExportResult result =
        ReportExporter::exportComparison(SyntheticRun::make(slow), SyntheticRun::make(fast), path);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.written, QStringList{QFileInfo(path).absoluteFilePath()});
    const QString html = QString::fromUtf8(readAll(path));
    QVERIFY(html.contains(QLatin1String("Run with 1 worker")));
    QVERIFY(html.contains(QLatin1String("Run with 4 workers")));
    QVERIFY(html.contains(QLatin1String("<th class=\"num\">Change</th>")));
    QCOMPARE(svgDocuments(html).size(), 6); // stages, 2 × overlap, 2 × timeline, loss
    QVERIFY(html.contains(QLatin1String("Preprocessing-bound: the desktop's preprocessing"))); // the 1-worker run
    QVERIFY(html.contains(QRegularExpression(QStringLiteral("B moves [0-9.]+× the samples per second of A"))));
}

void TestReportWriters::emptyRunStillExports()
{
    QTemporaryDir dir;
    RunRecord record;
    record.title = QStringLiteral("Nothing happened");
    const tandem::ExportResult result = ReportExporter::exportAll(record, dir.path(), QStringLiteral("empty"));
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QString html = QString::fromUtf8(readAll(dir.filePath(QStringLiteral("empty.html"))));
    QVERIFY(html.contains(QLatin1String("No stage timings were recorded")));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("empty.csv"))),
             QByteArray("seq,epoch,split,stage,host,start_ms,end_ms,duration_ms\n"));
}

QTEST_MAIN(TestReportWriters)
#include "tst_report_writers.moc"
