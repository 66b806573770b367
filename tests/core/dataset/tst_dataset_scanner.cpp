// DatasetScanner: indexes off the calling thread, reports progress, forgets a cancelled scan.
#include "dataset/dataset_scanner.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

using namespace tandem;

class TestDatasetScanner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const cv::Mat image(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
        for (const char *cls : {"cat", "dog"}) {
            QDir().mkpath(m_dir.filePath(QString::fromLatin1(cls)));
            for (int i = 0; i < 30; ++i)
                cv::imwrite(m_dir.filePath(QStringLiteral("%1/%2.png").arg(QLatin1String(cls)).arg(i)).toStdString(),
                            image);
        }
    }

    void scansAndReports()
    {
        DatasetScanner scanner;
        QSignalSpy finished(&scanner, &DatasetScanner::finished);
        scanner.scan(m_dir.path());
        QVERIFY(scanner.isScanning());
        QTRY_COMPARE(finished.count(), 1);
        const auto index = finished.first().at(0).value<DatasetIndex>();
        QVERIFY(index.error().isEmpty());
        QCOMPARE(index.classNames(), (QStringList{QStringLiteral("cat"), QStringLiteral("dog")}));
        QCOMPARE(index.samples().size(), std::size_t(60));
        QCOMPARE(scanner.root(), m_dir.path());
    }

    void aFolderWithoutClassesIsAnError()
    {
        QTemporaryDir empty;
        DatasetScanner scanner;
        QSignalSpy finished(&scanner, &DatasetScanner::finished);
        scanner.scan(empty.path());
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!finished.first().at(0).value<DatasetIndex>().error().isEmpty());
    }

    void aNewScanReplacesTheOld()
    {
        DatasetScanner scanner;
        QSignalSpy finished(&scanner, &DatasetScanner::finished);
        QTemporaryDir empty;
        scanner.scan(empty.path());
        scanner.scan(m_dir.path()); // the first is cancelled and never reported
        QTRY_COMPARE(finished.count(), 1);
        QTest::qWait(50);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).value<DatasetIndex>().samples().size(), std::size_t(60));
        scanner.scan(m_dir.path());
        scanner.cancel();
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDatasetScanner)
#include "tst_dataset_scanner.moc"
