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

QTEST_GUILESS_MAIN(TestEpochPlan)
#include "tst_epoch_plan.moc"
