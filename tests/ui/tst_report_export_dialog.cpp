// ReportExportDialog: the export runs off the GUI thread while the dialog shows its progress,
// Cancel works, and an error is passed on.
#include "report/report_export_job.h"
#include "report_export_dialog.h"
#include "synthetic_run.h"

#include <QApplication>
#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace tandem;

class TestReportExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        testing::SyntheticRun::Params params;
        params.batches = 3'000;
        m_record = std::make_shared<const RunRecord>(testing::SyntheticRun::make(params));
    }

    void showsProgressToTheEndAndWritesTheFiles()
    {
        QTemporaryDir dir;
        ReportExportDialog dialog;
        QSignalSpy finished(&dialog, &ReportExportDialog::finished);
        QVERIFY(dialog.start(m_record, dir.path(), QStringLiteral("run")));
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.isRunning());
        // The GUI thread stays free while the files are written: events keep being handled.
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
        ticker.start(5);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(dialog.value(), dialog.maximum()); // 100 %
        QCOMPARE(dialog.maximum(), ReportExporter::formatCount(ReportExporter::All));
        QVERIFY(!dialog.isVisible());
        QVERIFY(ticks > 0);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), int(result.written.size()));
        QVERIFY(!QDir(dir.path()).entryList({QStringLiteral("*.pdf")}, QDir::Files).isEmpty());
    }

    void cancelButtonStopsAndLeavesNothing()
    {
        QTemporaryDir dir;
        ReportExportDialog dialog;
        QSignalSpy finished(&dialog, &ReportExportDialog::finished);
        QVERIFY(dialog.start(m_record, dir.path(), QStringLiteral("run")));
        auto *cancel = dialog.findChild<QPushButton *>();
        QVERIFY(cancel);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY(result.cancelled);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
        QVERIFY(!dialog.isRunning());
    }

    void errorsArePassedOn()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where the folder should be
        blocker.close();
        ReportExportDialog dialog;
        QSignalSpy finished(&dialog, &ReportExportDialog::finished);
        QVERIFY(dialog.start(m_record, blocker.fileName(), QStringLiteral("run")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10'000);
        const auto result = finished.first().at(0).value<ExportResult>();
        QVERIFY(!result.ok());
        QVERIFY(!result.cancelled);
        QVERIFY(!result.error.isEmpty());
    }

private:
    std::shared_ptr<const RunRecord> m_record;
};

QTEST_MAIN(TestReportExportDialog)
#include "tst_report_export_dialog.moc"
