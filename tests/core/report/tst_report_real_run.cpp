// Runs the real `tandem train --report` on a small Fashion-MNIST sample with a local agent and
// checks what it exported: the trace on the corrected timeline, CSV rows, HTML charts, the PDF.
#include "timing/session_file.h"
#include "trace_checker.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using tandem::RunRecord;
using tandem::SessionFile;
using tandem::testing::TraceChecker;

namespace {

constexpr int kSampleTimeoutMs = 120'000;
constexpr int kTrainTimeoutMs = 400'000;
const QString kFashionMnistDir = QStringLiteral("/usr/share/datasets/fashion-mnist");

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs `tandem` with arguments; on failure, returns what it printed.
QString runTandem(const QStringList &arguments, int timeoutMs, QByteArray *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(TANDEM_APP_PATH), arguments);
    if (!process.waitForStarted(10'000))
        return QStringLiteral("tandem did not start: ") + process.errorString();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5'000);
        return QStringLiteral("tandem %1 did not finish in %2 s; it printed:\n%3")
            .arg(arguments.first())
            .arg(timeoutMs / 1000)
            .arg(QString::fromLocal8Bit(process.readAll().right(4000)));
    }
    *output = process.readAll();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return QStringLiteral("tandem %1 exited with %2; it printed:\n%3")
            .arg(arguments.first())
            .arg(process.exitCode())
            .arg(QString::fromLocal8Bit(output->right(4000)));
    }
    return {};
}

QString onlyFile(const QDir &dir, const QString &pattern)
{
    const QStringList files = dir.entryList({pattern}, QDir::Files);
    return files.size() == 1 ? dir.filePath(files.first()) : QString();
}

} // namespace

class TestReportRealRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainExportsConsistentReports();

private:
    QTemporaryDir m_dir;
    QString m_data;
};

void TestReportRealRun::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFileInfo::exists(kFashionMnistDir + QStringLiteral("/train-images-idx3-ubyte.gz")))
        QFAIL("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
    m_data = m_dir.filePath(QStringLiteral("fashion-mnist"));
    QByteArray output;
    const QString problem =
        runTandem({QStringLiteral("sample-data"), QStringLiteral("--out"), m_data, QStringLiteral("--train-per-class"),
                   QStringLiteral("40"), QStringLiteral("--val-per-class"), QStringLiteral("8")},
                  kSampleTimeoutMs, &output);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestReportRealRun::trainExportsConsistentReports()
{
    const QString reportDir = m_dir.filePath(QStringLiteral("report"));
    QByteArray output;
    const QString problem =
        runTandem({QStringLiteral("train"), QStringLiteral("--data"), m_data, QStringLiteral("--agent"),
                   QStringLiteral("local"), QStringLiteral("--agent-program"), QStringLiteral(TANDEM_AGENT_PATH),
                   QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("28"),
                   QStringLiteral("--color"), QStringLiteral("gray"), QStringLiteral("--batch"), QStringLiteral("32"),
                   QStringLiteral("--weights"), QStringLiteral("none"), QStringLiteral("--report"), reportDir},
                  kTrainTimeoutMs, &output);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const QDir dir(reportDir);
    const QString sessionPath = onlyFile(dir, QStringLiteral("*.tandem-run.json"));
    const QString tracePath = onlyFile(dir, QStringLiteral("*.trace.json"));
    const QString csvPath = onlyFile(dir, QStringLiteral("*.csv"));
    const QString htmlPath = onlyFile(dir, QStringLiteral("*.html"));
    const QString pdfPath = onlyFile(dir, QStringLiteral("*.pdf"));
    QVERIFY2(!sessionPath.isEmpty() && !tracePath.isEmpty() && !csvPath.isEmpty() && !htmlPath.isEmpty() &&
                 !pdfPath.isEmpty(),
             qPrintable(dir.entryList(QDir::Files).join(QLatin1Char(' '))));

    const SessionFile::LoadResult loaded = SessionFile::load(sessionPath);
    QVERIFY2(loaded.ok(), qPrintable(loaded.message));
    const RunRecord &run = *loaded.run;
    // 400 training and 80 validation images (less the split's rounding) in batches of 32.
    QVERIFY2(run.batches.size() >= 14, qPrintable(QString::number(run.batches.size())));
    QVERIFY(run.clockUncertaintyNs > 0);
    size_t spans = 0;
    bool agentSpans = false;
    for (const auto &batch : run.batches) {
        spans += batch.spans.size();
        for (const auto &span : batch.spans)
            agentSpans = agentSpans || tandem::protocol::stageInfo(span.stage).host == tandem::protocol::Host::Agent;
    }
    QVERIFY(agentSpans);

    // The trace: Perfetto's fields, and every batch in pipeline order on the corrected timeline.
    const TraceChecker::Result trace = TraceChecker::check(readAll(tracePath), run.clockUncertaintyNs);
    QVERIFY2(trace.problem.isEmpty(), qPrintable(trace.problem));
    QCOMPARE(size_t(trace.completeEvents), spans);
    QCOMPARE(size_t(trace.batches), run.batches.size());

    // One CSV row per batch and stage span.
    const QList<QByteArray> lines = readAll(csvPath).trimmed().split('\n');
    QCOMPARE(size_t(lines.size() - 1), spans);

    const QByteArray html = readAll(htmlPath);
    QVERIFY(html.count("<svg") >= 5);
    QVERIFY(readAll(pdfPath).startsWith("%PDF-"));
}

QTEST_GUILESS_MAIN(TestReportRealRun)
#include "tst_report_real_run.moc"
