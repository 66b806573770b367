// ManifestApplier: applying the curation moves the files so that a fresh scan gives the curated
// dataset; nothing is rewritten, excluded files are kept aside, names never clash, cancel moves nothing.
#include "curation/manifest_applier.h"
#include "curation_fixture.h"
#include "preprocess/image_preprocessor.h"

#include <QTemporaryDir>
#include <QTest>

#include <set>
#include <tuple>

using namespace tandem;

namespace {
using Sample = std::tuple<QString, QString, int>; // file name, class, split

std::set<Sample> samplesOf(const DatasetIndex &index)
{
    std::set<Sample> samples;
    for (const IndexedSample &s : index.samples())
        samples.insert({QFileInfo(s.path).fileName(), index.classNames().at(s.label), int(s.split)});
    return samples;
}

int entryOf(const DatasetManifest &manifest, const QString &relativePath)
{
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        if (manifest.entries[i].relativePath == relativePath)
            return int(i);
    }
    return -1;
}
} // namespace

class TestManifestApplier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cancelMovesNothing();
    void aFreshScanGivesTheCuratedDataset();

private:
    [[nodiscard]] DatasetManifest curated() const;
    QTemporaryDir m_dir;
    QString m_root;
};

void TestManifestApplier::initTestCase()
{
    if (TestImages::naturePhotos().size() < 8)
        QSKIP("mate-backgrounds is not installed");
    m_root = m_dir.filePath(QStringLiteral("data"));
    QVERIFY(curationtest::writeDistinctDataset(m_root));
    QVERIFY(curationtest::writePhoto(m_root, QStringLiteral("train/landscapes/fresh.jpg"), "Wood.jpg", 320));
}

DatasetManifest TestManifestApplier::curated() const
{
    DatasetManifest m = DatasetManifest::fromIndex(DatasetIndex::scan(m_root));
    m.classes[1] = QStringLiteral("scenery"); // rename landscapes
    m.classes << QStringLiteral("insects");   // a new class
    m.entries[size_t(entryOf(m, QStringLiteral("train/landscapes/dune.jpg")))].included = false;
    m.entries[size_t(entryOf(m, QStringLiteral("train/flowers/ladybird.jpg")))].label = 2;
    m.entries[size_t(entryOf(m, QStringLiteral("val/flowers/garden.jpg")))].split = SampleSplit::Train;
    m.entries[size_t(entryOf(m, QStringLiteral("train/landscapes/fresh.jpg")))].label = 0; // flowers has a fresh.jpg
    return m;
}

void TestManifestApplier::cancelMovesNothing()
{
    const DatasetManifest manifest = curated();
    const std::atomic<bool> cancel{true};
    const ApplyResult result = ManifestApplier::apply(manifest, &cancel);
    QVERIFY(!result.ok());
    QVERIFY(result.manifest == manifest);
    for (const ManifestEntry &entry : manifest.entries)
        QVERIFY(QFileInfo::exists(manifest.absolutePath(entry)));
}

void TestManifestApplier::aFreshScanGivesTheCuratedDataset()
{
    const DatasetManifest manifest = curated();
    std::map<QString, quint64> hashes; // by file name before: the bytes must not change
    for (const ManifestEntry &entry : manifest.entries)
        hashes[entry.relativePath] = ImagePreprocessor::contentId(TestImages::readFile(manifest.absolutePath(entry)));

    const ApplyResult result = ManifestApplier::apply(manifest);
    QVERIFY2(result.ok(), qPrintable(result.error));
    // dune aside; ladybird, garden, fresh (landscapes) moved; meadow, storm, aqua to "scenery".
    QCOMPARE(result.moved, qint64(7));
    QCOMPARE(result.manifest.entries.size(), manifest.entries.size());
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        const ManifestEntry &after = result.manifest.entries[i];
        QVERIFY2(QFileInfo::exists(result.manifest.absolutePath(after)), qPrintable(after.relativePath));
        QCOMPARE(ImagePreprocessor::contentId(TestImages::readFile(result.manifest.absolutePath(after))),
                 hashes[manifest.entries[i].relativePath]);
        QCOMPARE(after.label, manifest.entries[i].label);
        QCOMPARE(after.included, manifest.entries[i].included);
    }
    QVERIFY(QFileInfo::exists(QDir(m_root).filePath(QStringLiteral(".tandem-excluded/train/landscapes/dune.jpg"))));
    QVERIFY(QFileInfo::exists(QDir(m_root).filePath(QStringLiteral("train/flowers/fresh-2.jpg"))));
    // The emptied class folders are gone (they would scan as classes without images).
    QVERIFY(!QFileInfo::exists(QDir(m_root).filePath(QStringLiteral("train/landscapes"))));
    QVERIFY(!QFileInfo::exists(QDir(m_root).filePath(QStringLiteral("val/landscapes"))));
    const DatasetIndex rescanned = DatasetIndex::scan(m_root);
    QVERIFY2(rescanned.error().isEmpty(), qPrintable(rescanned.error()));
    QCOMPARE(rescanned.classNames(),
             QStringList({QStringLiteral("flowers"), QStringLiteral("insects"), QStringLiteral("scenery")}));
    QCOMPARE(samplesOf(rescanned), samplesOf(result.manifest.toIndex()));

    const ApplyResult again = ManifestApplier::apply(result.manifest);
    QVERIFY(again.ok());
    QCOMPARE(again.moved, qint64(0));
}

QTEST_GUILESS_MAIN(TestManifestApplier)
#include "tst_manifest_applier.moc"
