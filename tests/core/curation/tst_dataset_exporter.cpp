// DatasetExporter: exactly the expected files (folder tree and .tar.gz), the manifest rows, the
// configured size, and nothing left behind on cancel or refusal.
#include "curation/dataset_exporter.h"
#include "curation_fixture.h"
#include "preprocess/image_preprocessor.h"

#include <QDirIterator>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {
QStringList filesUnder(const QString &root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(root).relativeFilePath(it.next());
    files.sort();
    return files;
}
} // namespace

class TestDatasetExporter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void folderTreeHasExactlyTheCuratedImages();
    void archiveHasTheSameFiles();
    void cancelLeavesNothing();
    void refusals_data();
    void refusals();
    void csvFieldsAreQuoted();

private:
    [[nodiscard]] DatasetManifest curated() const;
    QTemporaryDir m_dir;
    QString m_root;
};

void TestDatasetExporter::initTestCase()
{
    if (TestImages::naturePhotos().size() < 8)
        QSKIP("mate-backgrounds is not installed");
    m_root = m_dir.filePath(QStringLiteral("data"));
    QVERIFY(curationtest::writeDistinctDataset(m_root));
    // The same file name in two classes, which the relabel below puts in one folder.
    QVERIFY(curationtest::writePhoto(m_root, QStringLiteral("train/landscapes/fresh.jpg"), "Wood.jpg", 320));
}

// dune excluded, ladybird moved to a new class "insects", landscapes/fresh moved to flowers.
DatasetManifest TestDatasetExporter::curated() const
{
    DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_root));
    manifest.classes << QStringLiteral("insects");
    for (ManifestEntry &entry : manifest.entries) {
        if (entry.relativePath == QLatin1String("train/landscapes/dune.jpg"))
            entry.included = false;
        if (entry.relativePath == QLatin1String("train/flowers/ladybird.jpg"))
            entry.label = 2;
        if (entry.relativePath == QLatin1String("train/landscapes/fresh.jpg"))
            entry.label = 0;
    }
    return manifest;
}

void TestDatasetExporter::folderTreeHasExactlyTheCuratedImages()
{
    const DatasetManifest manifest = curated();
    ExportOptions options;
    options.outputPath = m_dir.filePath(QStringLiteral("out-folder"));
    options.preprocess.width = 64;
    options.preprocess.height = 48;
    qint64 lastDone = 0;
    const DatasetExportResult result = DatasetExporter::exportDataset(
        manifest, options, nullptr, [&lastDone](qint64 done, qint64) { lastDone = done; });
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.images, qint64(8));
    QCOMPARE(lastDone, qint64(8));
    QVERIFY(result.failed.empty());

    const QStringList expected = {
        QStringLiteral("manifest.csv"),
        QStringLiteral("train/flowers/fresh-2.png"),
        QStringLiteral("train/flowers/fresh.png"),
        QStringLiteral("train/flowers/yellow.png"),
        QStringLiteral("train/insects/ladybird.png"),
        QStringLiteral("train/landscapes/meadow.png"),
        QStringLiteral("train/landscapes/storm.png"),
        QStringLiteral("val/flowers/garden.png"),
        QStringLiteral("val/landscapes/aqua.png"),
    };
    QCOMPARE(filesUnder(options.outputPath), expected);
    QStringList reported = result.files;
    reported.sort();
    QCOMPARE(reported, expected);

    const QImage image(QDir(options.outputPath).filePath(QStringLiteral("train/insects/ladybird.png")));
    QCOMPARE(image.size(), QSize(64, 48));

    const QStringList rows =
        QString::fromUtf8(TestImages::readFile(QDir(options.outputPath).filePath(QStringLiteral("manifest.csv"))))
            .split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 9);
    QCOMPARE(rows.first(), QString::fromLatin1(DatasetExporter::kCsvHeader));
    QStringList outputs;
    for (qsizetype i = 1; i < rows.size(); ++i) {
        const QStringList fields = rows.at(i).split(u',');
        QCOMPARE(fields.size(), 8);
        const QString source = fields.at(0);
        QVERIFY(QFileInfo::exists(source));
        QVERIFY(!source.endsWith(QLatin1String("dune.jpg")));
        outputs << fields.at(1);
        QCOMPARE(fields.at(1).section(u'/', 1, 1), fields.at(2)); // the folder is the class
        QCOMPARE(fields.at(1).section(u'/', 0, 0), fields.at(3)); // and the split
        QCOMPARE(
            fields.at(4),
            QString::number(ImagePreprocessor::contentId(TestImages::readFile(source)), 16).rightJustified(16, u'0'));
        QCOMPARE(fields.at(5).toLongLong(), QFileInfo(source).size());
        QVERIFY(fields.at(6).toInt() > 100 && fields.at(7).toInt() > 100);
        if (source.endsWith(QLatin1String("ladybird.jpg")))
            QCOMPARE(fields.at(2), QStringLiteral("insects"));
    }
    outputs << QStringLiteral("manifest.csv");
    outputs.sort();
    QCOMPARE(outputs, expected);
}

void TestDatasetExporter::archiveHasTheSameFiles()
{
    const QString tar = QStandardPaths::findExecutable(QStringLiteral("tar"));
    if (tar.isEmpty())
        QSKIP("no tar to list the archive");
    ExportOptions options;
    options.outputPath = m_dir.filePath(QStringLiteral("dataset.tar.gz"));
    options.format = ExportOptions::Format::TarGz;
    options.preprocess.width = 32;
    options.preprocess.height = 32;
    options.imageExtension = QStringLiteral("jpg");
    const DatasetExportResult result = DatasetExporter::exportDataset(curated(), options);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QProcess list;
    list.start(tar, {QStringLiteral("-tzf"), options.outputPath});
    QVERIFY(list.waitForFinished(30000));
    QCOMPARE(list.exitCode(), 0);
    QStringList listed = QString::fromUtf8(list.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    listed.sort();
    QStringList reported = result.files;
    reported.sort();
    QCOMPARE(listed, reported);
    QCOMPARE(listed.size(), 9);
    QVERIFY(listed.contains(QStringLiteral("train/insects/ladybird.jpg")));
}

void TestDatasetExporter::cancelLeavesNothing()
{
    const std::atomic<bool> cancel{true};
    ExportOptions options;
    options.outputPath = m_dir.filePath(QStringLiteral("cancelled"));
    const DatasetExportResult folder = DatasetExporter::exportDataset(curated(), options, &cancel);
    QVERIFY(folder.cancelled);
    QVERIFY(!folder.ok());
    QVERIFY(!QFileInfo::exists(options.outputPath));

    options.format = ExportOptions::Format::TarGz;
    options.outputPath = m_dir.filePath(QStringLiteral("cancelled.tar.gz"));
    const DatasetExportResult archive = DatasetExporter::exportDataset(curated(), options, &cancel);
    QVERIFY(archive.cancelled);
    QVERIFY(!QFileInfo::exists(options.outputPath));
}

void TestDatasetExporter::refusals_data()
{
    QTest::addColumn<QString>("outputName");
    QTest::addColumn<QString>("extension");
    QTest::addColumn<int>("width");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not empty") << QStringLiteral("data") << QStringLiteral("png") << 32
                               << QStringLiteral("is not empty");
    QTest::newRow("bad extension") << QStringLiteral("o1") << QStringLiteral("gif") << 32
                                   << QStringLiteral("unsupported image type");
    QTest::newRow("bad size") << QStringLiteral("o2") << QStringLiteral("png") << 0 << QStringLiteral("width 0");
    QTest::newRow("no path") << QString() << QStringLiteral("png") << 32 << QStringLiteral("no output path");
}

void TestDatasetExporter::refusals()
{
    QFETCH(QString, outputName);
    QFETCH(QString, extension);
    QFETCH(int, width);
    QFETCH(QString, expected);
    ExportOptions options;
    options.outputPath = outputName.isEmpty() ? QString() : m_dir.filePath(outputName);
    options.imageExtension = extension;
    options.preprocess.width = width;
    const QStringList before = filesUnder(m_root);
    const DatasetExportResult result = DatasetExporter::exportDataset(curated(), options);
    QVERIFY2(result.error.contains(expected), qPrintable(result.error));
    QCOMPARE(filesUnder(m_root), before); // the images are never touched
    if (!outputName.isEmpty() && outputName != QLatin1String("data"))
        QVERIFY(!QFileInfo::exists(options.outputPath));
}

void TestDatasetExporter::csvFieldsAreQuoted()
{
    QCOMPARE(DatasetExporter::csvField(QStringLiteral("plain")), QStringLiteral("plain"));
    QCOMPARE(DatasetExporter::csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
    QCOMPARE(DatasetExporter::csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
}

QTEST_MAIN(TestDatasetExporter)
#include "tst_dataset_exporter.moc"
