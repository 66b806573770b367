// Tests of FashionMnistExporter against Debian's dataset-fashion-mnist files.
#include "dataset/fashion_mnist_exporter.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

#include <zlib.h>

#include <map>

using namespace tandem;

namespace {
const QString kSource = QStringLiteral("/usr/share/datasets/fashion-mnist");

// Images or labels straight from the IDX file, read here independently of the exporter.
QByteArray readIdx(const QString &path, qint64 headerBytes, qint64 offset, qint64 count)
{
    gzFile file = gzopen(QFile::encodeName(path).constData(), "rb");
    if (!file)
        return {};
    QByteArray skip(int(headerBytes + offset), '\0');
    QByteArray data(int(count), '\0');
    const bool ok = gzread(file, skip.data(), unsigned(skip.size())) == skip.size() &&
                    gzread(file, data.data(), unsigned(data.size())) == data.size();
    gzclose(file);
    return ok ? data : QByteArray();
}

std::map<QString, int> countPngs(const QString &folder)
{
    std::map<QString, int> counts;
    QDirIterator it(folder, {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++counts[it.fileInfo().dir().dirName()];
    }
    return counts;
}
} // namespace

class TestFashionMnistExporter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exportsWithLimits_data();
    void exportsWithLimits();
    void pixelsAndLabelsMatchTheSource();
    void idempotent();
    void missingPackage();
    void corruptSource();
    void cancel();
};

void TestFashionMnistExporter::initTestCase()
{
    QVERIFY2(QFile::exists(kSource + QStringLiteral("/train-images-idx3-ubyte.gz")),
             "Fashion-MNIST comes from Debian's dataset-fashion-mnist package");
}

void TestFashionMnistExporter::exportsWithLimits_data()
{
    QTest::addColumn<int>("train");
    QTest::addColumn<int>("val");
    QTest::newRow("3 and 2") << 3 << 2;
    QTest::newRow("20 and 5") << 20 << 5;
}

void TestFashionMnistExporter::exportsWithLimits()
{
    QFETCH(int, train);
    QFETCH(int, val);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    const FashionMnistExportResult result =
        FashionMnistExporter::exportTo(dir.path(), {kSource, train, val}, nullptr, [&](qint64 done, qint64 total) {
            lastDone = done;
            lastTotal = total;
        });
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.trainFiles, 10 * train);
    QCOMPARE(result.valFiles, 10 * val);
    QCOMPARE(result.written, 10 * (train + val));
    QCOMPARE(lastDone, qint64(10 * (train + val)));
    QCOMPARE(lastTotal, lastDone);

    const QStringList names = FashionMnistExporter::classNames();
    QCOMPARE(names.size(), 10);
    QCOMPARE(names.front(), QStringLiteral("T-shirt_top"));
    QCOMPARE(names.back(), QStringLiteral("Ankle_boot"));
    QStringList sortedNames = names;
    sortedNames.sort();
    for (const auto &[split, perClass] :
         {std::pair{QStringLiteral("train"), train}, std::pair{QStringLiteral("val"), val}}) {
        QStringList folders = QDir(dir.filePath(split)).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QCOMPARE(folders, sortedNames);
        const std::map<QString, int> counts = countPngs(dir.filePath(split));
        QCOMPARE(int(counts.size()), 10);
        for (const auto &[name, count] : counts)
            QCOMPARE(count, perClass);
    }
}

void TestFashionMnistExporter::pixelsAndLabelsMatchTheSource()
{
    QTemporaryDir dir;
    const FashionMnistExportResult result = FashionMnistExporter::exportTo(dir.path(), {kSource, 2, 1});
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QStringList names = FashionMnistExporter::classNames();
    // Training sample 0 is an ankle boot (label 9); test sample 0 as well.
    for (const auto &[split, set] : {std::pair{QStringLiteral("train"), QStringLiteral("train")},
                                     std::pair{QStringLiteral("val"), QStringLiteral("t10k")}}) {
        const QByteArray label = readIdx(QStringLiteral("%1/%2-labels-idx1-ubyte.gz").arg(kSource, set), 8, 0, 1);
        const QByteArray pixels = readIdx(QStringLiteral("%1/%2-images-idx3-ubyte.gz").arg(kSource, set), 16, 0, 784);
        QCOMPARE(label.size(), 1);
        QCOMPARE(int(label[0]), 9);
        const QString path = dir.filePath(QStringLiteral("%1/%2/00000.png").arg(split, names[label[0]]));
        const cv::Mat png = cv::imread(path.toStdString(), cv::IMREAD_UNCHANGED);
        QVERIFY2(!png.empty(), qPrintable(path));
        QCOMPARE(png.type(), CV_8UC1);
        QCOMPARE(png.cols, 28);
        QCOMPARE(png.rows, 28);
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(png.data), 784), pixels);
    }
    // The second training sample (label 0) is a T-shirt.
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("train/T-shirt_top/00001.png"))));
}

void TestFashionMnistExporter::idempotent()
{
    QTemporaryDir dir;
    const FashionMnistExportOptions options{kSource, 4, 2};
    QCOMPARE(FashionMnistExporter::exportTo(dir.path(), options).written, 60);
    const FashionMnistExportResult again = FashionMnistExporter::exportTo(dir.path(), options);
    QVERIFY(again.ok());
    QCOMPARE(again.written, 0);
    QCOMPARE(again.trainFiles, 40);
    QCOMPARE(again.valFiles, 20);
    // One file gone: only that one is written again.
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("train/T-shirt_top/00001.png"))));
    const FashionMnistExportResult repaired = FashionMnistExporter::exportTo(dir.path(), options);
    QCOMPARE(repaired.written, 1);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("train/T-shirt_top/00001.png"))));
    // A larger limit adds files on top.
    QCOMPARE(FashionMnistExporter::exportTo(dir.path(), {kSource, 5, 2}).written, 10);
}

void TestFashionMnistExporter::missingPackage()
{
    QTemporaryDir dir;
    const FashionMnistExportResult result = FashionMnistExporter::exportTo(
        dir.filePath(QStringLiteral("out")), {dir.filePath(QStringLiteral("nowhere")), 1, 1});
    QVERIFY(!result.ok());
    QCOMPARE(result.error,
             QStringLiteral("install dataset-fashion-mnist: %1/nowhere/train-images-idx3-ubyte.gz not found")
                 .arg(dir.path()));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("out"))));
}

void TestFashionMnistExporter::corruptSource()
{
    // The real label files with a training-image file cut short.
    QTemporaryDir source;
    for (const char *name : {"train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"})
        QVERIFY(QFile::copy(kSource + QLatin1Char('/') + QLatin1String(name), source.filePath(QLatin1String(name))));
    QFile full(kSource + QStringLiteral("/train-images-idx3-ubyte.gz"));
    QVERIFY(full.open(QIODevice::ReadOnly));
    QFile cut(source.filePath(QStringLiteral("train-images-idx3-ubyte.gz")));
    QVERIFY(cut.open(QIODevice::WriteOnly));
    QVERIFY(cut.write(full.read(20000)) == 20000);
    cut.close();

    QTemporaryDir out;
    const FashionMnistExportResult result = FashionMnistExporter::exportTo(out.path(), {source.path(), 0, 1});
    QVERIFY(!result.ok());
    QVERIFY2(result.error.startsWith(source.filePath(QStringLiteral("train-images-idx3-ubyte.gz"))),
             qPrintable(result.error));

    // A labels file that is not IDX at all.
    QVERIFY(QFile::remove(source.filePath(QStringLiteral("train-labels-idx1-ubyte.gz"))));
    QFile text(source.filePath(QStringLiteral("train-labels-idx1-ubyte.gz")));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("not gzip, not idx, just text");
    text.close();
    const FashionMnistExportResult notIdx = FashionMnistExporter::exportTo(out.path(), {source.path(), 1, 1});
    QCOMPARE(notIdx.error, QStringLiteral("%1 is not an IDX label file").arg(text.fileName()));
}

void TestFashionMnistExporter::cancel()
{
    QTemporaryDir dir;
    const std::atomic<bool> cancel{true};
    const FashionMnistExportResult result = FashionMnistExporter::exportTo(dir.path(), {kSource, 2, 2}, &cancel);
    QVERIFY(result.cancelled);
    QVERIFY(!result.ok());
    QCOMPARE(result.written, 0);
}

QTEST_GUILESS_MAIN(TestFashionMnistExporter)
#include "tst_fashion_mnist_exporter.moc"
