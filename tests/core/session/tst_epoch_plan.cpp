// The seeded batch order: every sample once per epoch, reshuffled per epoch, repeatable per seed.
#include "sample_data.h"
#include "session/epoch_plan.h"

#include <QTest>

#include <set>

using namespace tandem;

class TestEpochPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void batchesCoverEverySampleOnce_data();
    void batchesCoverEverySampleOnce();
    void orderIsSeededPerEpoch();
    void validationOrderIsFixed();
    void orderIsGolden_data();
    void orderIsGolden();

private:
    DatasetIndex m_index;
};

void TestEpochPlan::initTestCase()
{
    const QString dir = testsupport::fashionMnist(30, 10);
    m_index = DatasetIndex::scan(dir);
    QVERIFY2(m_index.error().isEmpty(), qPrintable(m_index.error()));
    QCOMPARE(int(m_index.samples().size()), 400);
}

void TestEpochPlan::batchesCoverEverySampleOnce_data()
{
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("expectedBatches");
    QTest::addColumn<int>("lastBatch");
    QTest::newRow("divides evenly") << 50 << 6 << 50;
    QTest::newRow("remainder") << 64 << 5 << 300 - 4 * 64;
    QTest::newRow("one per batch") << 1 << 300 << 1;
    QTest::newRow("bigger than the split") << 1000 << 1 << 300;
}

void TestEpochPlan::batchesCoverEverySampleOnce()
{
    QFETCH(int, batchSize);
    QFETCH(int, expectedBatches);
    QFETCH(int, lastBatch);
    const EpochPlan plan(m_index, batchSize, 7);
    const auto batches = plan.batches(0, SampleSplit::Train);
    QCOMPARE(int(batches.size()), expectedBatches);
    QCOMPARE(plan.batchCount(SampleSplit::Train), expectedBatches);
    QCOMPARE(int(batches.back().size()), lastBatch);
    std::set<quint64> seen;
    for (const auto &batch : batches)
        for (const SampleRef &ref : batch) {
            QVERIFY(seen.insert(ref.index).second);
            QCOMPARE(m_index.samples()[ref.index].split, SampleSplit::Train);
            QCOMPARE(ref.label, m_index.samples()[ref.index].label);
        }
    QCOMPARE(int(seen.size()), 300);
}

void TestEpochPlan::orderIsSeededPerEpoch()
{
    auto order = [this](quint64 seed, quint32 epoch) {
        std::vector<quint64> out;
        for (const auto &batch : EpochPlan(m_index, 32, seed).batches(epoch, SampleSplit::Train))
            for (const SampleRef &ref : batch)
                out.push_back(ref.index);
        return out;
    };
    QCOMPARE(order(1, 0), order(1, 0));
    QVERIFY(order(1, 0) != order(1, 1));
    QVERIFY(order(1, 0) != order(2, 0));
}

void TestEpochPlan::validationOrderIsFixed()
{
    const EpochPlan plan(m_index, 16, 3);
    const auto first = plan.batches(0, SampleSplit::Val);
    const auto later = plan.batches(5, SampleSplit::Val);
    QCOMPARE(first.size(), later.size());
    QCOMPARE(plan.sampleCount(SampleSplit::Val), qint64(100));
    for (size_t i = 0; i < first.size(); ++i)
        for (size_t j = 0; j < first[i].size(); ++j)
            QCOMPARE(first[i][j].index, later[i][j].index);
}

void TestEpochPlan::orderIsGolden_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<quint32>("epoch");
    QTest::addColumn<std::vector<quint64>>("firstIndices");
    // Computed once with the SeededRandom Fisher–Yates and written here: a different standard
    // library, compiler or platform must give the very same order.
    QTest::newRow("seed 42, epoch 0") << quint64(42) << quint32(0)
                                      << std::vector<quint64>{32, 16, 22, 12, 10, 9, 0, 23};
    QTest::newRow("seed 42, epoch 1") << quint64(42) << quint32(1)
                                      << std::vector<quint64>{24, 35, 6, 34, 25, 0, 23, 30};
    QTest::newRow("seed 7, epoch 0") << quint64(7) << quint32(0) << std::vector<quint64>{14, 6, 9, 7, 33, 17, 2, 13};
}

void TestEpochPlan::orderIsGolden()
{
    QFETCH(quint64, seed);
    QFETCH(quint32, epoch);
    QFETCH(std::vector<quint64>, firstIndices);
    // 40 training samples named by hand: the order depends on nothing but the seed and the epoch.
    std::vector<IndexedSample> samples;
    for (int i = 0; i < 40; ++i)
        samples.push_back(
            {QStringLiteral("c%1/%2.png").arg(i % 2).arg(i, 2, 10, QLatin1Char('0')), i % 2, SampleSplit::Train, 100});
    const DatasetIndex index =
        DatasetIndex::fromSamples(QStringLiteral("/golden"), {QStringLiteral("c0"), QStringLiteral("c1")}, samples);
    const auto batches = EpochPlan(index, 8, seed).batches(epoch, SampleSplit::Train);
    QCOMPARE(batches.size(), size_t(5));
    std::vector<quint64> first;
    for (const SampleRef &ref : batches.front())
        first.push_back(ref.index);
    QCOMPARE(first, firstIndices);
}

QTEST_GUILESS_MAIN(TestEpochPlan)
#include "tst_epoch_plan.moc"
