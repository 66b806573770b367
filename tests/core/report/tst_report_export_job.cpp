// ReportExportJob: the export runs off the calling thread, reports progress to 100 %, and a
// cancelled export leaves no file behind.
#include "report/report_export_job.h"
#include "report/report_exporter.h"
#include "synthetic_run.h"

#include <QDir>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace tandem;

class TestReportExportJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        testing::SyntheticRun::Params params;
        params.batches = 2'000; // big enough that the export takes a while
        m_record = std::make_shared<const RunRecord>(testing::SyntheticRun::make(params));
    }

    void exportWritesEveryFileWithProgressToTheEnd()
    {
        QTemporaryDir dir;
        ReportExportJob job;
        QSignalSpy progress(&job, &ReportExportJob::progress);
        QSignalSpy finished(&job, &ReportExportJob::finished);
        QVERIFY(job.start(m_record, dir.path(), QStringLiteral("run")));
        QVERIFY(job.isRunning());
        QVERIFY(!job.start(m_record, dir.path(), QStringLiteral("again"))); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
        QVERIFY(!job.isRunning());
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY2(result.ok(), qPrintable(result.error));
        const int total = ReportExporter::formatCount(ReportExporter::All);
        QCOMPARE(result.written.size(), total);
        for (const QString &path : result.written)
            QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toInt(), total); // 100 %
        QCOMPARE(progress.last().at(1).toInt(), total);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), total);
    }

    void cancelledExportLeavesNothing()
    {
        QTemporaryDir dir;
        ReportExportJob job;
        QSignalSpy finished(&job, &ReportExportJob::finished);
        QVERIFY(job.start(m_record, dir.path(), QStringLiteral("run")));
        job.cancel(); // long before the six formats are written
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY(result.cancelled);
        QVERIFY(!result.ok());
        QVERIFY(result.written.isEmpty());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    // The exporter itself, cancelled after its second file: both are removed again.
    void exporterRemovesWhatItWroteWhenCancelled()
    {
        QTemporaryDir dir;
        std::atomic<bool> cancel{false};
        QList<qint64> seen;
        const ExportResult result = ReportExporter::exportAll(*m_record, dir.path(), QStringLiteral("run"),
                                                              ReportExporter::All, &cancel, [&](qint64 done, qint64) {
                                                                  seen << done;
                                                                  if (done == 2)
                                                                      cancel = true;
                                                              });
        QCOMPARE(seen, (QList<qint64>{0, 1, 2}));
        QVERIFY(result.cancelled);
        QVERIFY(result.written.isEmpty());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    void failureIsReported()
    {
        QTemporaryDir dir;
        ReportExportJob job;
        QSignalSpy finished(&job, &ReportExportJob::finished);
        QVERIFY(job.start(m_record, dir.path(), QStringLiteral("not/a/name")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10'000);
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY(!result.ok());
        QVERIFY(!result.cancelled);
        QVERIFY(result.error.contains(QStringLiteral("not/a/name")));
    }

private:
    std::shared_ptr<const RunRecord> m_record;
};

QTEST_MAIN(TestReportExportJob)
#include "tst_report_export_job.moc"
