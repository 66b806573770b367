// Tests of colab_agent/trainer_worker, run on the test's own thread over a queue filled beforehand:
// items are handled in queue order, the agent-side spans come from each item's timestamps, epoch
// metrics add up the batches of their (epoch, split) alone, cancel stops the loop, and a trainer
// that cannot be built is reported as failed.
#include "common/bounded_queue.h"
#include "fashion_mnist.h"
#include "trainer_worker.h"
#include "work_item.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace tandem::protocol;
using tandem::BoundedQueue;
using tandem::agent::DevicePlan;
using tandem::agent::TrainerWorker;
using tandem::agent::WorkItem;

namespace {

constexpr int kBatch = 8;
constexpr size_t kCapacity = 32;

SessionConfig fashionConfig()
{
    SessionConfig config = FashionMnist::sessionConfig(kBatch);
    return config;
}

WorkItem request(WorkItem::Kind kind, const EpochEnd &end = {})
{
    WorkItem item;
    item.kind = kind;
    item.epochEnd = end;
    return item;
}

} // namespace

class TestTrainerWorker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void handlesItemsInOrder();
    void epochsAddUpTheirOwnBatches();
    void cancelStopsTheLoop();
    void unbuildableTrainerFails();

private:
    [[nodiscard]] WorkItem batch(quint64 seq, quint32 epoch, Split split) const
    {
        WorkItem item = WorkItem::fromBatch(m_data->batch(seq, epoch, split, int(seq) * kBatch, kBatch), false);
        // Agent-clock times as the pipeline stamps them, far in the past of the trainer's own.
        item.firstByteNs = 1000 + qint64(seq) * 100;
        item.arrivalNs = item.firstByteNs + 10;
        item.unpackStartNs = item.arrivalNs + 10;
        item.queuedNs = item.unpackStartNs + 10;
        return item;
    }
    void push(WorkItem item) { QVERIFY(m_queue->tryPush(std::move(item))); }
    // A worker whose loop ends (on this thread) once weights are ready.
    [[nodiscard]] std::unique_ptr<TrainerWorker> worker(SessionConfig config = fashionConfig())
    {
        auto w = std::make_unique<TrainerWorker>(
            TrainerWorker::Setup{std::move(config), DevicePlan{false, 0, QStringLiteral("cpu"), QString()}, 1}, m_queue,
            m_cancel);
        connect(w.get(), &TrainerWorker::weightsReady, this, [this] { m_cancel->store(true); });
        return w;
    }

    std::optional<FashionMnist> m_data;
    std::shared_ptr<BoundedQueue<WorkItem>> m_queue;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

void TestTrainerWorker::initTestCase()
{
    QString error;
    m_data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("train"), &error);
    QVERIFY2(m_data, qPrintable(error));
}

void TestTrainerWorker::init()
{
    m_queue = std::make_shared<BoundedQueue<WorkItem>>(kCapacity);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
}

void TestTrainerWorker::handlesItemsInOrder()
{
    push(batch(0, 0, Split::Train));
    push(batch(1, 0, Split::Infer));
    push(batch(2, 0, Split::Val));
    push(request(WorkItem::Kind::Weights));
    push(batch(3, 0, Split::Train)); // after the weights request: never reached

    QStringList log;
    const auto w = worker();
    connect(w.get(), &TrainerWorker::started, this, [&] { log << QStringLiteral("started"); });
    connect(w.get(), &TrainerWorker::batchTaken, this,
            [&](quint64 seq) { log << QStringLiteral("taken %1").arg(seq); });
    connect(w.get(), &TrainerWorker::stepFinished, this,
            [&](const StepMetrics &m) { log << QStringLiteral("step %1").arg(m.seq); });
    connect(w.get(), &TrainerWorker::inferFinished, this,
            [&](const InferResult &r) { log << QStringLiteral("infer %1").arg(r.seq); });
    connect(w.get(), &TrainerWorker::weightsReady, this, [&] { log << QStringLiteral("weights"); });
    QSignalSpy steps(w.get(), &TrainerWorker::stepFinished);
    QSignalSpy failed(w.get(), &TrainerWorker::failed);
    w->run();

    QCOMPARE(failed.size(), 0);
    const QStringList expected{"started", "taken 0", "step 0", "taken 1", "infer 1", "taken 2", "step 2", "weights"};
    QCOMPARE(log, expected);
    QCOMPARE(m_queue->size(), size_t(1));

    // The worker puts the agent-side spans first, from the item's own timestamps.
    QCOMPARE(steps.size(), 2);
    for (const QList<QVariant> &arguments : steps) {
        const auto metrics = arguments.first().value<StepMetrics>();
        const WorkItem sent = batch(metrics.seq, 0, metrics.split);
        QVERIFY(metrics.spans.size() >= 5);
        QCOMPARE(metrics.spans[0].stage, Stage::Receive);
        QCOMPARE(metrics.spans[0].startNs, sent.firstByteNs);
        QCOMPARE(metrics.spans[0].endNs, sent.arrivalNs);
        QCOMPARE(metrics.spans[1].stage, Stage::Unpack);
        QCOMPARE(metrics.spans[1].startNs, sent.unpackStartNs);
        QCOMPARE(metrics.spans[1].endNs, sent.queuedNs);
        QCOMPARE(metrics.spans[2].stage, Stage::QueueWait);
        QCOMPARE(metrics.spans[2].startNs, sent.queuedNs);
        QVERIFY(metrics.spans[2].endNs > sent.queuedNs); // taken now, on the trainer's clock
        QCOMPARE(metrics.spans[3].stage, Stage::HostToDevice);
        QVERIFY(metrics.spans[3].startNs >= metrics.spans[2].endNs);
        QVERIFY(metrics.samplesPerSecond > 0.F);
    }
}

void TestTrainerWorker::epochsAddUpTheirOwnBatches()
{
    push(batch(0, 4, Split::Train));
    push(batch(1, 4, Split::Val));
    push(batch(2, 4, Split::Train));
    push(batch(3, 5, Split::Train)); // the next epoch, not yet ended
    push(request(WorkItem::Kind::EpochEnd, EpochEnd{4, Split::Train, 2}));
    push(request(WorkItem::Kind::EpochEnd, EpochEnd{4, Split::Val, 3}));   // the client miscounted
    push(request(WorkItem::Kind::EpochEnd, EpochEnd{9, Split::Train, 0})); // nothing was sent for it
    push(request(WorkItem::Kind::Weights));

    const auto w = worker();
    QSignalSpy steps(w.get(), &TrainerWorker::stepFinished);
    QSignalSpy epochs(w.get(), &TrainerWorker::epochFinished);
    QTest::ignoreMessage(QtWarningMsg, "epoch 4 (val): the client announced 3 batches, the agent processed 1");
    w->run();

    QCOMPARE(steps.size(), 4);
    QCOMPARE(epochs.size(), 3);
    auto stepOf = [&](int i) { return steps.at(i).first().value<StepMetrics>(); };
    auto epochOf = [&](int i) { return epochs.at(i).first().value<EpochMetrics>(); };

    const EpochMetrics train = epochOf(0);
    QCOMPARE(train.epoch, quint32(4));
    QCOMPARE(train.split, Split::Train);
    QCOMPARE(train.samples, quint32(2 * kBatch));
    QCOMPARE(train.correct, stepOf(0).correct + stepOf(2).correct);
    const double trainLoss = (double(stepOf(0).loss) + double(stepOf(2).loss)) * kBatch / (2 * kBatch);
    QVERIFY(std::abs(double(train.meanLoss) - trainLoss) < 1e-6);
    QCOMPARE(train.accuracy, float(double(train.correct) / (2 * kBatch)));
    // From the first byte of its first batch to the end of its last step.
    QCOMPARE(train.durationNs, stepOf(2).spans.back().endNs - batch(0, 4, Split::Train).firstByteNs);

    const EpochMetrics val = epochOf(1);
    QCOMPARE(val.split, Split::Val);
    QCOMPARE(val.samples, quint32(kBatch)); // what it processed, whatever the client announced
    QCOMPARE(val.correct, stepOf(1).correct);
    QCOMPARE(val.meanLoss, stepOf(1).loss);

    const EpochMetrics empty = epochOf(2);
    QCOMPARE(empty.epoch, quint32(9));
    QCOMPARE(empty.samples, quint32(0));
    QCOMPARE(empty.meanLoss, 0.F);
    QCOMPARE(empty.accuracy, 0.F);
}

void TestTrainerWorker::cancelStopsTheLoop()
{
    push(batch(0, 0, Split::Train));
    m_cancel->store(true);
    const auto w = worker();
    QSignalSpy started(w.get(), &TrainerWorker::started);
    QSignalSpy taken(w.get(), &TrainerWorker::batchTaken);
    w->run();
    QCOMPARE(started.size(), 1);
    QCOMPARE(taken.size(), 0);
    QCOMPARE(m_queue->size(), size_t(1));

    // A closed queue ends the loop as well, dropping what was queued.
    m_cancel->store(false);
    m_queue->close();
    const auto closed = worker();
    QSignalSpy closedTaken(closed.get(), &TrainerWorker::batchTaken);
    closed->run();
    QCOMPARE(closedTaken.size(), 0);
}

void TestTrainerWorker::unbuildableTrainerFails()
{
    SessionConfig config = fashionConfig();
    config.model = QStringLiteral("lenet");
    push(batch(0, 0, Split::Train));
    const auto w = worker(config);
    QSignalSpy started(w.get(), &TrainerWorker::started);
    QSignalSpy failed(w.get(), &TrainerWorker::failed);
    w->run();
    QCOMPARE(started.size(), 0);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().toString(), QStringLiteral("unknown model lenet"));
    QCOMPARE(m_queue->size(), size_t(1));
}

QTEST_GUILESS_MAIN(TestTrainerWorker)
#include "tst_trainer_worker.moc"
