// Tests of DatasetIndex on real Fashion-MNIST PNGs and photographs, plus broken files.
#include "dataset/dataset_index.h"

#include "dataset/fashion_mnist_exporter.h"
#include "preprocess/image_preprocessor.h"
#include "test_images.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace tandem;

namespace {
constexpr int kTrainPerClass = 10;
constexpr int kValPerClass = 2;

std::set<QString> pathsOf(const DatasetIndex &index, SampleSplit split)
{
    std::set<QString> paths;
    for (int i : index.indicesOf(split))
        paths.insert(index.samples()[size_t(i)].path);
    return paths;
}

const IndexedSample *findSample(const DatasetIndex &index, const QString &path)
{
    for (const IndexedSample &sample : index.samples()) {
        if (sample.path == path)
            return &sample;
    }
    return nullptr;
}

const SkippedFile *findSkipped(const DatasetIndex &index, const QString &path)
{
    for (const SkippedFile &file : index.skipped()) {
        if (file.path == path)
            return &file;
    }
    return nullptr;
}
} // namespace

class TestDatasetIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void splitFolders();
    void brokenAndOtherFiles_data();
    void brokenAndOtherFiles();
    void seededSplit_data();
    void seededSplit();
    void perClassLimit_data();
    void perClassLimit();
    void classOrder();
    void rootErrors_data();
    void rootErrors();
    void progressAndCancel();
    void cheapCopies();
    void fromSamples();

private:
    QString fashionRoot() const { return m_dir.filePath(QStringLiteral("fashion")); }
    QString flatRoot() const { return m_dir.filePath(QStringLiteral("flat")); }
    QString flatFile(const QString &relative) const { return QDir(flatRoot()).filePath(relative); }

    QTemporaryDir m_dir;
    QStringList m_classes;         // sorted Fashion-MNIST folder names
    bool m_lockedReadable = false; // root can read a chmod 000 file
};

void TestDatasetIndex::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const FashionMnistExportResult exported = FashionMnistExporter::exportTo(
        fashionRoot(), {QStringLiteral("/usr/share/datasets/fashion-mnist"), kTrainPerClass, kValPerClass});
    QVERIFY2(exported.ok(), qPrintable(exported.error));
    m_classes = FashionMnistExporter::classNames();
    m_classes.sort();

    // A flat tree (no train/ or val/): the training PNGs copied per class, and in Bag/ every kind
    // of broken or foreign file, next to real photos in other formats.
    for (const QString &name : m_classes) {
        QVERIFY(QDir().mkpath(flatFile(name)));
        QDirIterator it(QDir(fashionRoot()).filePath(QStringLiteral("train/") + name), QDir::Files);
        while (it.hasNext()) {
            it.next();
            QVERIFY(QFile::copy(it.filePath(), flatFile(name + QLatin1Char('/') + it.fileName())));
        }
    }
    const QByteArray photo = TestImages::readFile(TestImages::photo("Dune.jpg"));
    QVERIFY2(!photo.isEmpty(),
             "the photographs come from Debian's mate-backgrounds package: apt-get install mate-backgrounds");
    const cv::Mat small = TestImages::loadPhoto("Dune.jpg", 120);
    QVERIFY(QDir().mkpath(flatFile(QStringLiteral("Bag/nested/deeper"))));
    const std::pair<const char *, QByteArray> files[] = {
        {"Bag/empty.png", QByteArray()},
        {"Bag/notes.jpg", QByteArray("Hello, this is a text file.\n")},
        {"Bag/paper.pdf", QByteArray("%PDF-1.5\n%\xB5\xB5\xB5\xB5\n1 0 obj")},
        {"Bag/animation.gif", QByteArray("GIF89a\x01\x00\x01\x00\x80\x00\x00", 13)},
        {"Bag/phone.heic", QByteArray("\0\0\0\x24mif1heic", 12)},
        {"Bag/truncated.jpg", photo.left(photo.size() / 2)},
        {"Bag/magic-only.jpg", QByteArray("\xFF\xD8\xFF\xE0 and then nothing that decodes")},
        {"Bag/photo.jpg", photo},
        {"Bag/photo.bmp", TestImages::encode(small, ".bmp")},
        {"Bag/photo.webp", TestImages::encode(small, ".webp")},
        {"Bag/photo.tiff", TestImages::encode(small, ".tiff")},
        {"Bag/no-extension", TestImages::encode(small, ".png")},
        {"Bag/nested/deeper/photo.png", TestImages::encode(small, ".png")},
        {"Bag/locked.png", TestImages::encode(small, ".png")},
    };
    for (const auto &[name, bytes] : files)
        QVERIFY(TestImages::writeFile(flatFile(QString::fromLatin1(name)), bytes));
    // Hidden files are not dataset files.
    QVERIFY(TestImages::writeFile(flatFile(QStringLiteral("Bag/.DS_Store")), QByteArray("junk")));
    // Files directly in the root belong to no class.
    QVERIFY(TestImages::writeFile(flatFile(QStringLiteral("README.txt")), QByteArray("about this dataset")));

    const QString locked = flatFile(QStringLiteral("Bag/locked.png"));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    QFile probe(locked);
    m_lockedReadable = probe.open(QIODevice::ReadOnly); // true when the tests run as root
}

void TestDatasetIndex::splitFolders()
{
    const DatasetIndex index = DatasetIndex::scan(fashionRoot());
    QCOMPARE(index.error(), QString());
    QVERIFY(index.hasSplitFolders());
    QCOMPARE(index.root(), fashionRoot());
    QCOMPARE(index.classNames(), m_classes);
    QVERIFY(index.skipped().empty());
    QCOMPARE(index.classCounts(SampleSplit::Train), std::vector<qint64>(10, kTrainPerClass));
    QCOMPARE(index.classCounts(SampleSplit::Val), std::vector<qint64>(10, kValPerClass));
    QCOMPARE(index.indicesOf(SampleSplit::Train).size(), size_t(10 * kTrainPerClass));
    QCOMPARE(index.indicesOf(SampleSplit::Val).size(), size_t(10 * kValPerClass));
    for (const IndexedSample &sample : index.samples()) {
        const QString folder = sample.split == SampleSplit::Train ? QStringLiteral("train") : QStringLiteral("val");
        QVERIFY2(sample.path.contains(QStringLiteral("/%1/%2/").arg(folder, m_classes[sample.label])),
                 qPrintable(sample.path));
        QCOMPARE(sample.fileBytes, QFileInfo(sample.path).size());
        QVERIFY(sample.fileBytes > 0);
    }
    // Ordered by split, label, path.
    for (size_t i = 1; i < index.samples().size(); ++i) {
        const IndexedSample &a = index.samples()[i - 1];
        const IndexedSample &b = index.samples()[i];
        QVERIFY(std::tie(a.split, a.label, a.path) < std::tie(b.split, b.label, b.path));
    }
}

void TestDatasetIndex::brokenAndOtherFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reason");          // empty: indexed
    QTest::addColumn<QString>("preprocessError"); // of an indexed file
    QTest::newRow("empty") << "Bag/empty.png"
                           << "empty file"
                           << "";
    QTest::newRow("text named jpg") << "Bag/notes.jpg"
                                    << "not an image: a text file"
                                    << "";
    QTest::newRow("pdf") << "Bag/paper.pdf"
                         << "not an image: a PDF document"
                         << "";
    QTest::newRow("gif") << "Bag/animation.gif"
                         << "unsupported format GIF"
                         << "";
    QTest::newRow("heic") << "Bag/phone.heic"
                          << "unsupported format .heic"
                          << "";
    // Only the magic number is read: these are found broken when preprocessed, not here.
    QTest::newRow("truncated jpeg") << "Bag/truncated.jpg"
                                    << ""
                                    << "corrupt or truncated JPEG";
    QTest::newRow("jpeg magic only") << "Bag/magic-only.jpg"
                                     << ""
                                     << "truncated JPEG header";
    QTest::newRow("photo jpeg") << "Bag/photo.jpg"
                                << ""
                                << "";
    QTest::newRow("photo bmp") << "Bag/photo.bmp"
                               << ""
                               << "";
    QTest::newRow("photo webp") << "Bag/photo.webp"
                                << ""
                                << "";
    QTest::newRow("photo tiff") << "Bag/photo.tiff"
                                << ""
                                << "";
    QTest::newRow("png without extension") << "Bag/no-extension"
                                           << ""
                                           << "";
    QTest::newRow("nested folder") << "Bag/nested/deeper/photo.png"
                                   << ""
                                   << "";
    QTest::newRow("chmod 000") << "Bag/locked.png"
                               << (m_lockedReadable ? QString() : QStringLiteral("unreadable: permission denied"))
                               << "";
}

void TestDatasetIndex::brokenAndOtherFiles()
{
    QFETCH(QString, file);
    QFETCH(QString, reason);
    QFETCH(QString, preprocessError);
    if (file == QLatin1String("Bag/locked.png") && m_lockedReadable)
        qInfo("running as root: a chmod 000 file is readable, so it is indexed");
    const DatasetIndex index = DatasetIndex::scan(flatRoot(), {0.0, 0, 0});
    QCOMPARE(index.error(), QString());
    const QString path = flatFile(file);
    const IndexedSample *sample = findSample(index, path);
    const SkippedFile *skipped = findSkipped(index, path);
    if (reason.isEmpty()) {
        QVERIFY2(sample, qPrintable(path));
        QVERIFY(!skipped);
        QCOMPARE(index.classNames()[sample->label], QStringLiteral("Bag"));
        QCOMPARE(ImagePreprocessor::preprocessFile(path, PreprocessOptions(), 0).error, preprocessError);
    } else {
        QVERIFY(!sample);
        QVERIFY2(skipped, qPrintable(path));
        QCOMPARE(skipped->reason, reason);
    }
    // The rest went on: every class has its ten PNGs.
    const std::vector<qint64> counts = index.classCounts(SampleSplit::Train);
    for (int label = 0; label < 10; ++label)
        QVERIFY(counts[size_t(label)] >= kTrainPerClass);
    // Hidden files and files outside class folders are not dataset files at all.
    QVERIFY(!findSkipped(index, flatFile(QStringLiteral("Bag/.DS_Store"))));
    QVERIFY(!findSkipped(index, flatFile(QStringLiteral("README.txt"))));
}

void TestDatasetIndex::seededSplit_data()
{
    QTest::addColumn<double>("fraction");
    QTest::newRow("none") << 0.0;
    QTest::newRow("20%") << 0.2;
    QTest::newRow("half") << 0.5;
    QTest::newRow("all") << 1.0;
}

void TestDatasetIndex::seededSplit()
{
    QFETCH(double, fraction);
    const DatasetIndex index = DatasetIndex::scan(flatRoot(), {fraction, 7, 0});
    QCOMPARE(index.error(), QString());
    QVERIFY(!index.hasSplitFolders());
    const std::vector<qint64> train = index.classCounts(SampleSplit::Train);
    const std::vector<qint64> val = index.classCounts(SampleSplit::Val);
    for (size_t label = 0; label < train.size(); ++label) {
        // Stratified: every class gets its own rounded share.
        const qint64 total = train[label] + val[label];
        QCOMPARE(val[label], qint64(std::llround(double(total) * fraction)));
    }
    // Same seed, same split; the files are the same whatever the seed.
    const DatasetIndex again = DatasetIndex::scan(flatRoot(), {fraction, 7, 0});
    QCOMPARE(pathsOf(again, SampleSplit::Val), pathsOf(index, SampleSplit::Val));
    const DatasetIndex other = DatasetIndex::scan(flatRoot(), {fraction, 8, 0});
    QCOMPARE(other.samples().size(), index.samples().size());
    if (fraction > 0 && fraction < 1)
        QVERIFY(pathsOf(other, SampleSplit::Val) != pathsOf(index, SampleSplit::Val));
}

void TestDatasetIndex::perClassLimit_data()
{
    QTest::addColumn<bool>("splitLayout");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("expectTrain");
    QTest::addColumn<int>("expectVal");
    QTest::newRow("flat, 4, no val") << false << 4 << 4 << 0;
    QTest::newRow("train/val folders, 3") << true << 3 << 3 << 2;
    QTest::newRow("train/val folders, 1") << true << 1 << 1 << 1;
    QTest::newRow("limit above counts") << true << 100 << kTrainPerClass << kValPerClass;
}

void TestDatasetIndex::perClassLimit()
{
    QFETCH(bool, splitLayout);
    QFETCH(int, limit);
    QFETCH(int, expectTrain);
    QFETCH(int, expectVal);
    const QString root = splitLayout ? fashionRoot() : flatRoot();
    const DatasetIndex index = DatasetIndex::scan(root, {0.0, 3, limit});
    QCOMPARE(index.error(), QString());
    QCOMPARE(index.classCounts(SampleSplit::Train), std::vector<qint64>(10, expectTrain));
    QCOMPARE(index.classCounts(SampleSplit::Val), std::vector<qint64>(10, expectVal));
    // Broken files do not count against the limit, and files not examined are not reported.
    QVERIFY(index.skipped().size() <= 5 + (m_lockedReadable ? 0 : 1));
    const DatasetIndex again = DatasetIndex::scan(root, {0.0, 3, limit});
    QCOMPARE(pathsOf(again, SampleSplit::Train), pathsOf(index, SampleSplit::Train));
    if (limit < kTrainPerClass) {
        // The subset is a seeded choice, not simply the first names.
        std::set<QString> seen = pathsOf(index, SampleSplit::Train);
        for (quint64 seed = 4; seed < 8; ++seed) {
            const std::set<QString> other = pathsOf(DatasetIndex::scan(root, {0.0, seed, limit}), SampleSplit::Train);
            seen.insert(other.begin(), other.end());
        }
        QVERIFY(seen.size() > pathsOf(index, SampleSplit::Train).size());
    }
}

void TestDatasetIndex::classOrder()
{
    // Class names sort by code point, like Python's sorted() in torchvision's ImageFolder.
    QTemporaryDir dir;
    const QByteArray png = TestImages::encode(TestImages::loadPhoto("Dune.jpg", 64), ".png");
    for (const char *name : {"b", "a", "C", "a b", "Ä"}) {
        QVERIFY(QDir(dir.path()).mkdir(QString::fromUtf8(name)));
        QVERIFY(
            TestImages::writeFile(QDir(dir.path()).filePath(QString::fromUtf8(name) + QStringLiteral("/x.png")), png));
    }
    const DatasetIndex index = DatasetIndex::scan(dir.path());
    QCOMPARE(index.classNames(), (QStringList{QStringLiteral("C"), QStringLiteral("a"), QStringLiteral("a b"),
                                              QStringLiteral("b"), QStringLiteral("Ä")}));
    for (const IndexedSample &sample : index.samples())
        QCOMPARE(QFileInfo(sample.path).dir().dirName(), index.classNames()[sample.label]);
}

void TestDatasetIndex::rootErrors_data()
{
    QTest::addColumn<QString>("relative");
    QTest::addColumn<QString>("error"); // %1: the root as given
    QTest::newRow("missing") << "missing"
                             << "folder not found: %1";
    QTest::newRow("a file") << "fashion/train/Bag/00032.png"
                            << "not a folder: %1";
    QTest::newRow("no subfolders") << "fashion/train/Bag"
                                   << "no class folders in %1: a dataset has one sub-folder per class (or train/ "
                                      "and val/ folders of class folders), each holding that class's images";
    QTest::newRow("empty train folder") << "emptytrain"
                                        << "the folder %1/train is empty: put one sub-folder per class in it, each "
                                           "holding that class's images";
}

void TestDatasetIndex::rootErrors()
{
    QFETCH(QString, relative);
    QFETCH(QString, error);
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("emptytrain/train")));
    QString root = m_dir.filePath(relative);
    if (relative.startsWith(QLatin1String("fashion/train/Bag/"))) {
        QDirIterator it(m_dir.filePath(QStringLiteral("fashion/train/Bag")), QDir::Files);
        QVERIFY(it.hasNext());
        root = it.next();
    }
    const DatasetIndex index = DatasetIndex::scan(root);
    QCOMPARE(index.error(), error.arg(root));
    QVERIFY(index.samples().empty());
}

void TestDatasetIndex::progressAndCancel()
{
    qint64 calls = 0;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    bool monotonic = true;
    const DatasetIndex index = DatasetIndex::scan(flatRoot(), {}, nullptr, [&](qint64 done, qint64 total) {
        monotonic = monotonic && done >= lastDone && done <= total;
        lastDone = done;
        lastTotal = total;
        ++calls;
    });
    QVERIFY(calls >= 2);
    QVERIFY(monotonic);
    QCOMPARE(lastDone, lastTotal);
    QCOMPARE(lastTotal, qint64(index.samples().size() + index.skipped().size()));

    std::atomic<bool> cancel{false};
    const DatasetIndex cancelled = DatasetIndex::scan(flatRoot(), {}, &cancel, [&](qint64 done, qint64) {
        if (done > 0)
            cancel = true;
    });
    QCOMPARE(cancelled.error(), QStringLiteral("scan cancelled"));
    QVERIFY(cancelled.samples().empty());
}

void TestDatasetIndex::cheapCopies()
{
    const DatasetIndex index = DatasetIndex::scan(fashionRoot());
    const DatasetIndex copy = index; // shares the snapshot
    QCOMPARE(copy.samples().data(), index.samples().data());
    QCOMPARE(copy.classNames(), index.classNames());
    const DatasetIndex empty;
    QVERIFY(empty.samples().empty());
    QVERIFY(empty.classNames().isEmpty());
    QCOMPARE(empty.classCounts(SampleSplit::Train), std::vector<qint64>());
}

// A curated manifest's index: sorted as a scan's, labels outside the classes dropped, empty is an error.
void TestDatasetIndex::fromSamples()
{
    const QStringList classes = {QStringLiteral("a"), QStringLiteral("b")};
    const DatasetIndex index =
        DatasetIndex::fromSamples(QStringLiteral("/data"), classes,
                                  {{QStringLiteral("/data/b/2.png"), 1, SampleSplit::Val, 20},
                                   {QStringLiteral("/data/b/1.png"), 1, SampleSplit::Train, 10},
                                   {QStringLiteral("/data/x.png"), 5, SampleSplit::Train, 1},
                                   {QStringLiteral("/data/a/9.png"), 0, SampleSplit::Train, 90}},
                                  {{QStringLiteral("/data/z.txt"), QStringLiteral("not an image")}});
    QVERIFY(index.error().isEmpty());
    QCOMPARE(index.root(), QStringLiteral("/data"));
    QCOMPARE(index.classNames(), classes);
    QVERIFY(!index.hasSplitFolders());
    QCOMPARE(index.samples().size(), size_t(3));
    QCOMPARE(index.samples()[0].path, QStringLiteral("/data/a/9.png"));
    QCOMPARE(index.samples()[1].path, QStringLiteral("/data/b/1.png"));
    QCOMPARE(index.samples()[2].path, QStringLiteral("/data/b/2.png"));
    QCOMPARE(index.samples()[2].fileBytes, qint64(20));
    QCOMPARE(index.classCounts(SampleSplit::Train), std::vector<qint64>({1, 1}));
    QCOMPARE(index.classCounts(SampleSplit::Val), std::vector<qint64>({0, 1}));
    QCOMPARE(index.skipped().size(), size_t(1));

    const DatasetIndex empty = DatasetIndex::fromSamples(QStringLiteral("/data"), classes, {});
    QVERIFY(empty.error().contains(QStringLiteral("no included images")));
}

QTEST_GUILESS_MAIN(TestDatasetIndex)
#include "tst_dataset_index.moc"
