// DuplicateFinder on a dataset of real photographs with planted copies: a byte copy within a class,
// a re-encoded (JPEG 60) and resized (70 %) copy in another class, a copy in the validation split;
// the distinct photographs are never grouped. The one-click resolution is checked on the document.
#include "curation/duplicate_finder.h"
#include "curation/manifest_document.h"
#include "curation_fixture.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestDuplicateFinder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void distinctPhotosFormNoGroup();
    void plantedCopiesAreFound();
    void excludedImagesAreIgnored();
    void oneClickResolution();

private:
    [[nodiscard]] int entry(const DatasetManifest &manifest, const QString &relativePath) const;
    [[nodiscard]] std::vector<ImageHashes> hash(const DatasetManifest &manifest) const;
    QTemporaryDir m_dir;
    QString m_distinct;
    QString m_planted;
};

int TestDuplicateFinder::entry(const DatasetManifest &manifest, const QString &relativePath) const
{
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        if (manifest.entries[i].relativePath == relativePath)
            return int(i);
    }
    return -1;
}

std::vector<ImageHashes> TestDuplicateFinder::hash(const DatasetManifest &manifest) const
{
    QStringList paths;
    for (const ManifestEntry &e : manifest.entries)
        paths << manifest.absolutePath(e);
    return ImageHasher::hashAll(paths);
}

void TestDuplicateFinder::initTestCase()
{
    if (TestImages::naturePhotos().size() < 8)
        QSKIP("mate-backgrounds is not installed");
    m_distinct = m_dir.filePath(QStringLiteral("distinct"));
    QVERIFY(curationtest::writeDistinctDataset(m_distinct, 480));
    m_planted = m_dir.filePath(QStringLiteral("planted"));
    QVERIFY(curationtest::writeDistinctDataset(m_planted, 480));
    // Exact copy within the class.
    QVERIFY(curationtest::copyFile(m_planted, QStringLiteral("train/flowers/fresh.jpg"),
                                   QStringLiteral("train/flowers/fresh-copy.jpg")));
    // Near copy in the other class: a likely labelling error.
    QVERIFY(curationtest::writeNearCopy(m_planted, QStringLiteral("train/landscapes/not-a-landscape.jpg"),
                                        "LadyBird.jpg", 480, 60, 0.7));
    // Near copy of a training image in validation: leakage.
    QVERIFY(curationtest::writeNearCopy(m_planted, QStringLiteral("val/landscapes/storm-again.jpg"), "Storm.jpg", 480,
                                        60, 0.7));
}

void TestDuplicateFinder::distinctPhotosFormNoGroup()
{
    const DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_distinct));
    QCOMPARE(manifest.entries.size(), size_t(8));
    const std::vector<DuplicateGroup> groups = DuplicateFinder::find(manifest, hash(manifest));
    QVERIFY2(groups.empty(), qPrintable(QStringLiteral("%1 groups").arg(groups.size())));
}

void TestDuplicateFinder::plantedCopiesAreFound()
{
    const DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_planted));
    QCOMPARE(manifest.entries.size(), size_t(11));
    const std::vector<DuplicateGroup> groups = DuplicateFinder::find(manifest, hash(manifest));
    QCOMPARE(groups.size(), size_t(3));

    const DuplicateGroup &exact = groups[0];
    QCOMPARE(exact.kind, DuplicateGroup::Kind::Exact);
    QCOMPARE(exact.members, std::vector<int>({entry(manifest, QStringLiteral("train/flowers/fresh-copy.jpg")),
                                              entry(manifest, QStringLiteral("train/flowers/fresh.jpg"))}));
    QVERIFY(exact.withinClass());
    QVERIFY(!exact.trainValLeak);

    // The exact pair is also one image to the perceptual pass, so it does not form a near group.
    const DuplicateGroup *crossClass = nullptr;
    const DuplicateGroup *leak = nullptr;
    for (size_t g = 1; g < groups.size(); ++g) {
        QCOMPARE(groups[g].kind, DuplicateGroup::Kind::Near);
        QCOMPARE(groups[g].members.size(), size_t(2));
        QVERIFY(groups[g].maxDistance <= DuplicateFinder::kDefaultNearThreshold);
        (groups[g].crossClass ? crossClass : leak) = &groups[g];
    }
    QVERIFY(crossClass && leak);
    QCOMPARE(crossClass->members,
             std::vector<int>({entry(manifest, QStringLiteral("train/flowers/ladybird.jpg")),
                               entry(manifest, QStringLiteral("train/landscapes/not-a-landscape.jpg"))}));
    QVERIFY(!crossClass->trainValLeak);
    QCOMPARE(leak->members, std::vector<int>({entry(manifest, QStringLiteral("train/landscapes/storm.jpg")),
                                              entry(manifest, QStringLiteral("val/landscapes/storm-again.jpg"))}));
    QVERIFY(leak->trainValLeak);
    QVERIFY(leak->withinClass());
}

void TestDuplicateFinder::excludedImagesAreIgnored()
{
    DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_planted));
    const std::vector<ImageHashes> hashes = hash(manifest);
    manifest.entries[size_t(entry(manifest, QStringLiteral("val/landscapes/storm-again.jpg")))].included = false;
    manifest.entries[size_t(entry(manifest, QStringLiteral("train/flowers/fresh-copy.jpg")))].included = false;
    const std::vector<DuplicateGroup> groups = DuplicateFinder::find(manifest, hashes);
    QCOMPARE(groups.size(), size_t(1));
    QVERIFY(groups[0].crossClass);

    const std::atomic<bool> cancel{true};
    QVERIFY(DuplicateFinder::find(manifest, hashes, DuplicateFinder::kDefaultNearThreshold, &cancel).empty());
}

void TestDuplicateFinder::oneClickResolution()
{
    ManifestDocument document;
    document.setManifest(DatasetManifest::fromIndex(DatasetIndex::scan(m_planted)));
    const std::vector<ImageHashes> hashes = hash(document.manifest());
    std::vector<DuplicateGroup> groups = DuplicateFinder::find(document.manifest(), hashes);
    QCOMPARE(groups.size(), size_t(3));
    for (const DuplicateGroup &group : groups)
        QVERIFY(document.setIncluded(group.othersThanFirst(), false).isEmpty());
    QCOMPARE(document.manifest().includedCount(), qint64(8));
    QVERIFY(DuplicateFinder::find(document.manifest(), hashes).empty());
    // The resolution kept the training image of the leak and is undoable.
    QVERIFY(document.manifest()
                .entries[size_t(entry(document.manifest(), QStringLiteral("train/landscapes/storm.jpg")))]
                .included);
    document.undoStack()->undo();
    QCOMPARE(DuplicateFinder::find(document.manifest(), hashes).size(), size_t(1));
}

QTEST_MAIN(TestDuplicateFinder)
#include "tst_duplicate_finder.moc"
