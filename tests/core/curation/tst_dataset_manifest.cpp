// DatasetManifest: built from a scan, saved and re-opened unchanged, malformed files refused with a
// reason, and turned into the DatasetIndex that training uses.
#include "curation/dataset_manifest.h"
#include "curation_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestDatasetManifest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fromIndexKeepsEverySample();
    void roundTripsThroughJson();
    void malformedFilesAreRefused_data();
    void malformedFilesAreRefused();
    void toIndexHasOnlyIncludedWithCurrentLabels();
    void editsCarryOverOntoAFreshScan();

private:
    QTemporaryDir m_dir;
    QString m_root;
};

void TestDatasetManifest::initTestCase()
{
    if (TestImages::naturePhotos().isEmpty())
        QSKIP("mate-backgrounds is not installed");
    m_root = m_dir.filePath(QStringLiteral("data"));
    QVERIFY(curationtest::writeDistinctDataset(m_root));
}

void TestDatasetManifest::fromIndexKeepsEverySample()
{
    const DatasetIndex index = DatasetIndex::scan(m_root);
    QVERIFY2(index.error().isEmpty(), qPrintable(index.error()));
    const DatasetManifest manifest = DatasetManifest::fromIndex(index);
    QCOMPARE(manifest.classes, QStringList({QStringLiteral("flowers"), QStringLiteral("landscapes")}));
    QCOMPARE(manifest.entries.size(), size_t(8));
    QCOMPARE(manifest.includedCount(), qint64(8));
    const auto counts = manifest.counts();
    QCOMPARE(counts.size(), size_t(2));
    QCOMPARE(counts[0][0], qint64(3)); // flowers, train
    QCOMPARE(counts[0][1], qint64(1)); // flowers, val
    QCOMPARE(counts[1][0], qint64(3));
    QCOMPARE(counts[1][1], qint64(1));
    for (const ManifestEntry &entry : manifest.entries) {
        QVERIFY(!entry.relativePath.startsWith(u'/'));
        QVERIFY(QFileInfo::exists(manifest.absolutePath(entry)));
        QCOMPARE(entry.originalClass, manifest.className(entry));
        QVERIFY(entry.fileBytes > 0);
    }
}

void TestDatasetManifest::roundTripsThroughJson()
{
    DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_root));
    manifest.classes << QStringLiteral("insects, and \"bugs\"");
    manifest.entries[0].included = false;
    manifest.entries[1].label = 2;
    manifest.entries[2].split = SampleSplit::Val;
    manifest.entries[3].contentHash = 0xfedcba9876543210ULL; // all 64 bits must survive JSON
    manifest.entries[4].contentHash = 1;

    const QString path = m_dir.filePath(QStringLiteral("elsewhere/set") + QLatin1String(DatasetManifest::kFileSuffix));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    const QString error = manifest.save(path);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const ManifestLoadResult loaded = DatasetManifest::load(path);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error));
    QCOMPARE(loaded.manifest.entries.size(), manifest.entries.size());
    for (size_t i = 0; i < manifest.entries.size(); ++i)
        QVERIFY2(loaded.manifest.entries[i] == manifest.entries[i], qPrintable(manifest.entries[i].relativePath));
    QVERIFY(loaded.manifest == manifest);

    // Saving what was loaded gives the same bytes.
    const QString again = m_dir.filePath(QStringLiteral("again.json"));
    QVERIFY(loaded.manifest.save(again).isEmpty());
    QCOMPARE(TestImages::readFile(again), TestImages::readFile(path));
}

void TestDatasetManifest::malformedFilesAreRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");

    const QByteArray good = R"({"format":"tandem-dataset-manifest","version":1,"root":"/data","classes":["a","b"],)"
                            R"("entries":[{"path":"a/1.jpg","originalClass":"a","originalSplit":"train","label":1,)"
                            R"("split":"val","included":true,"contentHash":"00000000000000ff","bytes":10}]})";
    auto with = [&good](const char *from, const char *to) { return QByteArray(good).replace(from, to); };
    QTest::newRow("not json") << QByteArray("{\"format\": ") << QStringLiteral("not valid JSON");
    QTest::newRow("other json") << QByteArray("{\"name\": 1}") << QStringLiteral("not a Tandem dataset manifest");
    QTest::newRow("future version") << with("\"version\":1", "\"version\":9")
                                    << QStringLiteral("unsupported manifest version 9");
    QTest::newRow("no root") << with("\"root\":\"/data\"", "\"root\":\"\"") << QStringLiteral("names no dataset root");
    QTest::newRow("classes not list") << with("[\"a\",\"b\"]", "\"a\"") << QStringLiteral("\"classes\" is not a list");
    QTest::newRow("class twice") << with("[\"a\",\"b\"]", "[\"a\",\"a\"]")
                                 << QStringLiteral("class \"a\" is listed twice");
    QTest::newRow("label out of range") << with("\"label\":1", "\"label\":2")
                                        << QStringLiteral("entry 0: label 2 is out of range");
    QTest::newRow("label text") << with("\"label\":1", "\"label\":\"b\"") << QStringLiteral("entry 0: label");
    QTest::newRow("bad split") << with("\"split\":\"val\"", "\"split\":\"test\"")
                               << QStringLiteral("entry 0: split is neither");
    QTest::newRow("included text") << with("\"included\":true", "\"included\":\"yes\"")
                                   << QStringLiteral("entry 0: \"included\"");
    QTest::newRow("bad hash") << with("00000000000000ff", "xyz") << QStringLiteral("entry 0: content hash");
    QTest::newRow("no path") << with("\"path\":\"a/1.jpg\"", "\"path\":\"\"") << QStringLiteral("entry 0 has no path");
    QTest::newRow("good") << good << QString();
}

void TestDatasetManifest::malformedFilesAreRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("case.json"));
    QVERIFY(TestImages::writeFile(path, content));
    const ManifestLoadResult result = DatasetManifest::load(path);
    if (expected.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.manifest.entries.size(), size_t(1));
        QCOMPARE(result.manifest.entries[0].contentHash, quint64(0xff));
        QCOMPARE(result.manifest.entries[0].split, SampleSplit::Val);
    } else {
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(expected), qPrintable(result.error));
        QVERIFY(result.manifest.entries.empty());
    }
}

void TestDatasetManifest::toIndexHasOnlyIncludedWithCurrentLabels()
{
    DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_root));
    manifest.classes << QStringLiteral("insects");
    int ladybird = -1;
    int dune = -1;
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        if (manifest.entries[i].relativePath.endsWith(QLatin1String("ladybird.jpg")))
            ladybird = int(i);
        if (manifest.entries[i].relativePath.endsWith(QLatin1String("dune.jpg")))
            dune = int(i);
    }
    QVERIFY(ladybird >= 0 && dune >= 0);
    manifest.entries[size_t(ladybird)].label = 2;
    manifest.entries[size_t(ladybird)].split = SampleSplit::Val;
    manifest.entries[size_t(dune)].included = false;

    const DatasetIndex index = manifest.toIndex();
    QVERIFY2(index.error().isEmpty(), qPrintable(index.error()));
    QCOMPARE(index.classNames(), manifest.classes);
    QCOMPARE(index.samples().size(), size_t(7));
    bool sawLadybird = false;
    for (const IndexedSample &sample : index.samples()) {
        QVERIFY(!sample.path.endsWith(QLatin1String("dune.jpg")));
        QVERIFY(QFileInfo::exists(sample.path));
        if (sample.path.endsWith(QLatin1String("ladybird.jpg"))) {
            sawLadybird = true;
            QCOMPARE(sample.label, 2);
            QCOMPARE(sample.split, SampleSplit::Val);
        }
    }
    QVERIFY(sawLadybird);
    QCOMPARE(index.classCounts(SampleSplit::Val), std::vector<qint64>({1, 1, 1}));
    QCOMPARE(index.classCounts(SampleSplit::Train), std::vector<qint64>({2, 2, 0}));

    for (ManifestEntry &entry : manifest.entries)
        entry.included = false;
    QVERIFY(!manifest.toIndex().error().isEmpty()); // nothing to train on is an error, not an empty run
}

// The autosaved curation comes back onto a new scan of a folder that changed meanwhile.
void TestDatasetManifest::editsCarryOverOntoAFreshScan()
{
    const QString root = m_dir.filePath(QStringLiteral("changing"));
    QVERIFY(curationtest::writeDistinctDataset(root, 160));
    DatasetManifest edited = DatasetManifest::fromIndex(DatasetIndex::scan(root));
    QVERIFY(!edited.hasEdits());
    auto at = [](const DatasetManifest &m, const QString &path) -> const ManifestEntry * {
        for (const ManifestEntry &e : m.entries)
            if (e.relativePath == path)
                return &e;
        return nullptr;
    };
    auto edit = [&edited](const QString &path) -> ManifestEntry & {
        for (ManifestEntry &e : edited.entries)
            if (e.relativePath == path)
                return e;
        qFatal("no entry %s", qPrintable(path));
    };
    edit(QStringLiteral("train/flowers/fresh.jpg")).included = false;
    QVERIFY(edited.hasEdits());
    edited.classes << QStringLiteral("insects"); // added, then used
    edit(QStringLiteral("train/flowers/ladybird.jpg")).label = 2;
    edit(QStringLiteral("train/landscapes/dune.jpg")).split = SampleSplit::Val;

    // Meanwhile the folder changed: one image removed, one added.
    QVERIFY(QFile::remove(QDir(root).filePath(QStringLiteral("train/landscapes/dune.jpg"))));
    QVERIFY(curationtest::writePhoto(root, QStringLiteral("train/landscapes/wood.jpg"), "Wood.jpg", 160));
    const DatasetManifest scanned = DatasetManifest::fromIndex(DatasetIndex::scan(root));
    QVERIFY(!scanned.hasEdits());

    const DatasetManifest::CarriedOver carried = DatasetManifest::carryOver(edited, scanned);
    QCOMPARE(carried.carried, qint64(7));
    QCOMPARE(carried.added, qint64(1));
    QCOMPARE(carried.missing, qint64(1));
    const DatasetManifest &m = carried.manifest;
    QCOMPARE(m.entries.size(), size_t(8));
    QVERIFY(m.hasEdits());
    QVERIFY(!at(m, QStringLiteral("train/flowers/fresh.jpg"))->included);
    QCOMPARE(m.className(*at(m, QStringLiteral("train/flowers/ladybird.jpg"))), QStringLiteral("insects"));
    QVERIFY(!at(m, QStringLiteral("train/landscapes/dune.jpg")));
    const ManifestEntry *wood = at(m, QStringLiteral("train/landscapes/wood.jpg"));
    QVERIFY(wood && wood->included);
    QCOMPARE(m.className(*wood), QStringLiteral("landscapes"));
    QCOMPARE(m.classes,
             (QStringList{QStringLiteral("flowers"), QStringLiteral("landscapes"), QStringLiteral("insects")}));

    // Carrying an unedited manifest over changes nothing.
    QVERIFY(!DatasetManifest::carryOver(scanned, scanned).manifest.hasEdits());
}

QTEST_GUILESS_MAIN(TestDatasetManifest)
#include "tst_dataset_manifest.moc"
