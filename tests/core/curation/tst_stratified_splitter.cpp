// StratifiedSplitter: the validation share per class, the same split for the same seed, another for
// another seed, and the scanned folders restored.
#include "curation/stratified_splitter.h"

#include <QTest>

using namespace tandem;

namespace {
DatasetManifest manifestWith(const std::vector<int> &perClass)
{
    DatasetManifest manifest;
    manifest.root = QStringLiteral("/data");
    for (size_t c = 0; c < perClass.size(); ++c) {
        manifest.classes << QStringLiteral("c%1").arg(c);
        for (int i = 0; i < perClass[c]; ++i) {
            ManifestEntry entry;
            entry.label = qint32(c);
            entry.relativePath = QStringLiteral("c%1/%2.png").arg(c).arg(i, 4, 10, QLatin1Char('0'));
            entry.originalSplit = i % 5 == 0 ? SampleSplit::Val : SampleSplit::Train;
            manifest.entries.push_back(entry);
        }
    }
    return manifest;
}

std::vector<qint64> valPerClass(const DatasetManifest &manifest, const std::vector<SampleSplit> &splits)
{
    std::vector<qint64> counts(size_t(manifest.classes.size()), 0);
    for (size_t i = 0; i < splits.size(); ++i)
        counts[size_t(manifest.entries[i].label)] += splits[i] == SampleSplit::Val ? 1 : 0;
    return counts;
}
} // namespace

class TestStratifiedSplitter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shareIsPerClass_data();
    void shareIsPerClass();
    void seedDecides();
    void inputOrderDoesNotMatter();
    void fromFoldersRestoresTheScan();
};

void TestStratifiedSplitter::shareIsPerClass_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<std::vector<qint64>>("expected");
    // Classes of 100, 10 and 3 images.
    QTest::newRow("10 %") << 0.1 << std::vector<qint64>{10, 1, 0};
    QTest::newRow("20 %") << 0.2 << std::vector<qint64>{20, 2, 1};
    QTest::newRow("50 %") << 0.5 << std::vector<qint64>{50, 5, 2};
    QTest::newRow("none") << 0.0 << std::vector<qint64>{0, 0, 0};
    QTest::newRow("all") << 1.0 << std::vector<qint64>{100, 10, 3};
    QTest::newRow("clamped") << 7.0 << std::vector<qint64>{100, 10, 3};
}

void TestStratifiedSplitter::shareIsPerClass()
{
    QFETCH(double, fraction);
    QFETCH(std::vector<qint64>, expected);
    const DatasetManifest manifest = manifestWith({100, 10, 3});
    const std::vector<SampleSplit> splits = StratifiedSplitter::split(manifest, fraction, 42);
    QCOMPARE(splits.size(), manifest.entries.size());
    QCOMPARE(valPerClass(manifest, splits), expected);
}

void TestStratifiedSplitter::seedDecides()
{
    const DatasetManifest manifest = manifestWith({100, 50});
    QCOMPARE(StratifiedSplitter::split(manifest, 0.2, 1), StratifiedSplitter::split(manifest, 0.2, 1));
    QVERIFY(StratifiedSplitter::split(manifest, 0.2, 1) != StratifiedSplitter::split(manifest, 0.2, 2));
}

void TestStratifiedSplitter::inputOrderDoesNotMatter()
{
    const DatasetManifest manifest = manifestWith({30, 30});
    DatasetManifest reversed = manifest;
    std::reverse(reversed.entries.begin(), reversed.entries.end());
    const std::vector<SampleSplit> a = StratifiedSplitter::split(manifest, 0.3, 9);
    std::vector<SampleSplit> b = StratifiedSplitter::split(reversed, 0.3, 9);
    std::reverse(b.begin(), b.end());
    QCOMPARE(a, b);
}

void TestStratifiedSplitter::fromFoldersRestoresTheScan()
{
    const DatasetManifest manifest = manifestWith({10, 10});
    const std::vector<SampleSplit> splits = StratifiedSplitter::fromFolders(manifest);
    for (size_t i = 0; i < splits.size(); ++i)
        QCOMPARE(splits[i], manifest.entries[i].originalSplit);
    QCOMPARE(valPerClass(manifest, splits), std::vector<qint64>({2, 2}));
}

QTEST_GUILESS_MAIN(TestStratifiedSplitter)
#include "tst_stratified_splitter.moc"
