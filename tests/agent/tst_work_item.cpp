// Tests of colab_agent/work_item: a wire Batch becomes tensors that own their bytes (NHWC uint8
// pixels as sent, int64 labels, -1 of infer batches as 0). Their way through the queue is tested
// with TrainingPipeline.
#include "fashion_mnist.h"
#include "work_item.h"

#include <QTest>

#include <cstring>
#include <optional>

using namespace tandem::protocol;
using tandem::agent::WorkItem;

class TestWorkItem : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void copiesTheBatch_data();
    void copiesTheBatch();
    void inferLabelsBecomeZero();

private:
    std::optional<FashionMnist> m_data;
};

void TestWorkItem::initTestCase()
{
    QString error;
    m_data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(m_data, qPrintable(error));
}

void TestWorkItem::copiesTheBatch_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("side");
    QTest::newRow("one gray sample") << 1 << 1 << 28;
    QTest::newRow("gray batch") << 32 << 1 << 28;
    QTest::newRow("colour, resized") << 5 << 3 << 40;
}

void TestWorkItem::copiesTheBatch()
{
    QFETCH(int, count);
    QFETCH(int, channels);
    QFETCH(int, side);
    const Batch batch = m_data->batch(41, 3, Split::Val, 200, count, channels, side);
    const WorkItem item = WorkItem::fromBatch(batch, /*pinned=*/false);

    QCOMPARE(item.kind, WorkItem::Kind::Batch);
    QCOMPARE(item.seq, quint64(41));
    QCOMPARE(item.epoch, quint32(3));
    QCOMPARE(item.split, Split::Val);
    QCOMPARE(item.count, quint32(count));
    QCOMPARE(item.pixels.scalar_type(), at::kByte);
    QCOMPARE(item.pixels.sizes().vec(), (std::vector<int64_t>{count, side, side, channels}));
    QVERIFY(item.pixels.is_contiguous());
    QCOMPARE(item.labels.scalar_type(), at::kLong);
    QCOMPARE(item.labels.sizes().vec(), (std::vector<int64_t>{count}));

    // Own copies: the message's buffer may go away as soon as the item is made.
    QVERIFY(item.pixels.data_ptr<uint8_t>() != reinterpret_cast<const uint8_t *>(batch.pixels.constData()));
    QCOMPARE(std::memcmp(item.pixels.data_ptr<uint8_t>(), batch.pixels.constData(), size_t(batch.pixels.size())), 0);
    for (int i = 0; i < count; ++i)
        QCOMPARE(item.labels.data_ptr<int64_t>()[i], int64_t(batch.labels[size_t(i)]));
}

void TestWorkItem::inferLabelsBecomeZero()
{
    Batch batch = m_data->batch(9, 0, Split::Infer, 0, 4);
    batch.labels = {-1, 3, -1, 9};
    const WorkItem item = WorkItem::fromBatch(batch, false);
    const std::vector<int64_t> labels(item.labels.data_ptr<int64_t>(), item.labels.data_ptr<int64_t>() + 4);
    QCOMPARE(labels, (std::vector<int64_t>{0, 3, 0, 9}));
}

QTEST_GUILESS_MAIN(TestWorkItem)
#include "tst_work_item.moc"
