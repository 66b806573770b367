// WeightsFile: the returned weights land on disk, in a folder made for them if need be.
#include "session/weights_file.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestWeightsFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsMissingFolders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("Documents/runs/tandem-weights.pt"));
        const QByteArray data("PK\x03\x04 weights", 14);
        QCOMPARE(WeightsFile::save(path, data), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), data);
    }

    void namesThePathWhenItCannotSave()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString blocker = dir.filePath(QStringLiteral("file"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        // A folder cannot be made where a file stands.
        const QString path = blocker + QStringLiteral("/tandem-weights.pt");
        const QString error = WeightsFile::save(path, QByteArray("x"));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("cannot create the folder")), qPrintable(error));
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestWeightsFile)
#include "tst_weights_file.moc"
