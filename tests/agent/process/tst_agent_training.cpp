// Training through the real agent process on real Fashion-MNIST images: per-batch metrics and
// spans, credits, falling loss, epoch metrics, validation that leaves the weights alone, and the
// cosine learning-rate schedule.
#include "agent_process.h"
#include "agent_test_client.h"
#include "fashion_mnist.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

using namespace tandem::protocol;

namespace {

constexpr int kBatch = 32;
constexpr int kTrainSteps = 100;
constexpr int kValBatch = 64;
constexpr int kValFirst = 50000; // validation images come from the end of the train file

SessionConfig fashionConfig()
{
    SessionConfig config = FashionMnist::sessionConfig(kBatch);
    config.learningRate = 0.05;
    config.momentum = 0.9;
    config.mean = {0.286, 0.286, 0.286}; // Fashion-MNIST's own statistics
    config.std = {0.353, 0.353, 0.353};
    config.seed = 7;
    return config;
}

const Span *findSpan(const StepMetrics &metrics, Stage stage)
{
    for (const Span &span : metrics.spans) {
        if (span.stage == stage)
            return &span;
    }
    return nullptr;
}

double meanLoss(const std::vector<StepMetrics> &steps, size_t first, size_t count)
{
    double sum = 0.0;
    for (size_t i = first; i < first + count; ++i)
        sum += steps[i].loss;
    return sum / double(count);
}

} // namespace

class TestAgentTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void trainsWithMetricsAndCredits();
    void cosineScheduleDecays();
    void stopsCleanlyWhileTraining();
    void reachesTargetAccuracy_data();
    void reachesTargetAccuracy(); // opt-in: TANDEM_LONG_TESTS=1

private:
    std::optional<FashionMnist> m_data;
    AgentProcess m_agent;
};

void TestAgentTraining::initTestCase()
{
    QString error;
    m_data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("train"), &error);
    QVERIFY2(m_data, qPrintable(error));
    QCOMPARE(m_data->count(), 60000);
    QVERIFY2(m_agent.start({QStringLiteral("--threads"), QStringLiteral("1")}), qPrintable(m_agent.error()));
}

void TestAgentTraining::cleanupTestCase()
{
    QCOMPARE(m_agent.stop(), 0);
}

void TestAgentTraining::trainsWithMetricsAndCredits()
{
    AgentTestClient client(m_agent.secret());
    QVERIFY2(client.connectTo(m_agent.url()), qPrintable(client.closeMessage()));
    const std::optional<SessionInfo> info = client.startSession(fashionConfig());
    QVERIFY2(info, qPrintable(client.closeMessage()));
    QCOMPARE(info->model, QStringLiteral("cnn"));
    QCOMPARE(info->device, QStringLiteral("cpu"));
    QCOMPARE(info->precision, QStringLiteral("fp32"));
    QVERIFY(!info->torchVersion.isEmpty());
    const int window = info->credits;
    QVERIFY(window >= 1);

    // Train: one epoch of kTrainSteps batches, sent as fast as the credits allow.
    QElapsedTimer timer;
    timer.start();
    for (int step = 0; step < kTrainSteps; ++step)
        QVERIFY2(client.sendBatch(m_data->batch(quint64(step), 0, Split::Train, step * kBatch, kBatch)),
                 qPrintable(client.closeMessage()));
    client.send(EpochEnd{0, Split::Train, kTrainSteps});

    std::vector<StepMetrics> steps;
    for (int step = 0; step < kTrainSteps; ++step) {
        std::optional<StepMetrics> metrics = client.take<StepMetrics>();
        QVERIFY2(metrics, qPrintable(client.closeMessage()));
        steps.push_back(std::move(*metrics));
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    qInfo("agent trained %d steps of %d on the CPU in %.2f s: %.1f steps/s, %.0f samples/s", kTrainSteps, kBatch,
          seconds, kTrainSteps / seconds, kTrainSteps * kBatch / seconds);

    quint32 correctSum = 0;
    double lossSum = 0.0;
    for (int i = 0; i < kTrainSteps; ++i) {
        const StepMetrics &m = steps[size_t(i)];
        QCOMPARE(m.seq, quint64(i)); // queue order
        QCOMPARE(m.epoch, 0U);
        QCOMPARE(m.split, Split::Train);
        QCOMPARE(m.count, quint32(kBatch));
        QVERIFY(m.correct <= m.count);
        QVERIFY(std::isfinite(m.loss));
        QCOMPARE(m.learningRate, 0.05F);
        QVERIFY(m.samplesPerSecond > 0.F);
        QCOMPARE(m.deviceMemoryBytes, quint64(0)); // CPU
        // Every agent stage, in pipeline order, on one clock.
        const Stage order[] = {Stage::Receive, Stage::Unpack,   Stage::QueueWait,    Stage::HostToDevice,
                               Stage::Forward, Stage::Backward, Stage::OptimizerStep};
        qint64 previousEnd = 0;
        for (Stage stage : order) {
            const Span *span = findSpan(m, stage);
            QVERIFY2(span, stageInfo(stage).key.data());
            QVERIFY2(span->startNs > 0 && span->startNs <= span->endNs, stageInfo(stage).key.data());
            QVERIFY2(span->startNs >= previousEnd, stageInfo(stage).key.data());
            previousEnd = span->endNs;
        }
        QVERIFY(findSpan(m, Stage::Forward)->endNs > findSpan(m, Stage::Forward)->startNs);
        QVERIFY(m.sentAtNs >= previousEnd);
        correctSum += m.correct;
        lossSum += double(m.loss) * m.count;
    }

    // Every batch taken gave its credit back, and the client never held more than the window.
    QTRY_COMPARE(client.creditMessages(), kTrainSteps);
    QCOMPARE(client.maxCredits(), window);

    // An untrained classifier starts near chance: ln(10) ≈ 2.3.
    QVERIFY2(steps[0].loss > 1.5F && steps[0].loss < 3.5F, qPrintable(QString::number(steps[0].loss)));
    const double firstLoss = meanLoss(steps, 0, 10);
    const double lastLoss = meanLoss(steps, kTrainSteps - 10, 10);
    qInfo("mean train loss: first 10 steps %.3f, last 10 steps %.3f", firstLoss, lastLoss);
    QVERIFY2(lastLoss < 0.6 * firstLoss, qPrintable(QStringLiteral("%1 → %2").arg(firstLoss).arg(lastLoss)));

    std::optional<EpochMetrics> trainEpoch = client.take<EpochMetrics>();
    QVERIFY2(trainEpoch, qPrintable(client.closeMessage()));
    QCOMPARE(trainEpoch->epoch, 0U);
    QCOMPARE(trainEpoch->split, Split::Train);
    QCOMPARE(trainEpoch->samples, quint32(kTrainSteps * kBatch));
    QCOMPARE(trainEpoch->correct, correctSum);
    QVERIFY(std::abs(trainEpoch->meanLoss - lossSum / (kTrainSteps * kBatch)) < 1e-3);
    QVERIFY(std::abs(trainEpoch->accuracy - double(correctSum) / (kTrainSteps * kBatch)) < 1e-6);
    QVERIFY(trainEpoch->durationNs > 0);

    // Validation: the same batch scored before and after another one gives the same loss, so
    // scoring changed neither weights nor BatchNorm statistics.
    const Batch val = m_data->batch(1000, 0, Split::Val, kValFirst, kValBatch);
    Batch valAgain = val;
    valAgain.seq = 1002;
    QVERIFY(client.sendBatch(val));
    QVERIFY(client.sendBatch(m_data->batch(1001, 0, Split::Val, kValFirst + kValBatch, kValBatch)));
    QVERIFY(client.sendBatch(valAgain));
    client.send(EpochEnd{0, Split::Val, 3});
    std::vector<StepMetrics> valSteps;
    for (int i = 0; i < 3; ++i) {
        std::optional<StepMetrics> metrics = client.take<StepMetrics>();
        QVERIFY2(metrics, qPrintable(client.closeMessage()));
        QCOMPARE(metrics->split, Split::Val);
        QVERIFY(findSpan(*metrics, Stage::Forward));
        QVERIFY(!findSpan(*metrics, Stage::Backward));
        QVERIFY(!findSpan(*metrics, Stage::OptimizerStep));
        valSteps.push_back(std::move(*metrics));
    }
    QCOMPARE(valSteps[0].seq, quint64(1000));
    QCOMPARE(valSteps[2].seq, quint64(1002));
    QCOMPARE(valSteps[2].loss, valSteps[0].loss);
    QCOMPARE(valSteps[2].correct, valSteps[0].correct);

    std::optional<EpochMetrics> valEpoch = client.take<EpochMetrics>();
    QVERIFY2(valEpoch, qPrintable(client.closeMessage()));
    QCOMPARE(valEpoch->split, Split::Val);
    QCOMPARE(valEpoch->samples, quint32(3 * kValBatch));
    qInfo("validation after %d steps: accuracy %.3f, mean loss %.3f", kTrainSteps, double(valEpoch->accuracy),
          double(valEpoch->meanLoss));
    QVERIFY(valEpoch->accuracy > 0.6F);
    QVERIFY(!client.isClosed());
    client.close();
}

void TestAgentTraining::cosineScheduleDecays()
{
    constexpr int kSteps = 4;
    SessionConfig config = fashionConfig();
    config.stepsPerEpoch = kSteps;
    config.epochs = 1;
    config.deviceFlip = true;
    config.optimizer = QStringLiteral("adamw");
    config.learningRate = 0.01;
    config.weightDecay = 0.01;

    AgentTestClient client(m_agent.secret());
    QVERIFY2(client.connectTo(m_agent.url()), qPrintable(client.closeMessage()));
    QVERIFY2(client.startSession(config), qPrintable(client.closeMessage()));
    for (int step = 0; step < kSteps; ++step)
        QVERIFY(client.sendBatch(m_data->batch(quint64(step), 0, Split::Train, step * 8, 8)));
    for (int step = 0; step < kSteps; ++step) {
        const std::optional<StepMetrics> metrics = client.take<StepMetrics>();
        QVERIFY2(metrics, qPrintable(client.closeMessage()));
        const double expected = 0.01 * 0.5 * (1.0 + std::cos(3.14159265358979 * step / kSteps));
        QVERIFY2(std::abs(metrics->learningRate - expected) < 1e-6,
                 qPrintable(
                     QStringLiteral("step %1: lr %2, expected %3").arg(step).arg(metrics->learningRate).arg(expected)));
    }
    client.close();
}

// SIGTERM while batches are queued: the client gets a Goodbye and the process exits with 0.
void TestAgentTraining::stopsCleanlyWhileTraining()
{
    AgentProcess agent;
    QVERIFY2(agent.start({QStringLiteral("--threads"), QStringLiteral("1")}), qPrintable(agent.error()));
    AgentTestClient client(agent.secret());
    QVERIFY2(client.connectTo(agent.url()), qPrintable(client.closeMessage()));
    const std::optional<SessionInfo> info = client.startSession(fashionConfig());
    QVERIFY2(info, qPrintable(client.closeMessage()));
    for (int step = 0; step < info->credits; ++step)
        QVERIFY(client.sendBatch(m_data->batch(quint64(step), 0, Split::Train, step * kBatch, kBatch)));
    QCOMPARE(agent.stop(), 0);
    QVERIFY(client.waitClosed());
    QCOMPARE(client.closeError(), ConnectionError::None);
    QVERIFY2(client.closeMessage().contains(QStringLiteral("shutting down")), qPrintable(client.closeMessage()));
}

// The cnn's promise: >= 80% validation accuracy on Fashion-MNIST after 3 epochs of 500 train images
// per class (batch 64, SGD with momentum 0.9), with the config's default (ImageNet) normalisation.
// Measured (seed 7, 2000 t10k images): constant lr 0.05 → epochs 0.80/0.83/0.78, constant lr 0.02 →
// 0.81/0.76/0.79, cosine from 0.05 → 0.79/0.82/0.85. At a constant rate the last epoch swings by
// ±4% (the same in a PyTorch replica), so only the cosine schedule reliably ends above 0.80.
void TestAgentTraining::reachesTargetAccuracy_data()
{
    QTest::addColumn<bool>("cosine");
    QTest::addColumn<double>("learningRate");
    // The cosine row is the configuration the client uses; the constant rows, 10–60 s of CPU
    // each, document the schedule's effect and run with TANDEM_LONG_TESTS=1.
    if (qEnvironmentVariableIntValue("TANDEM_LONG_TESTS") != 0) {
        QTest::newRow("constant lr 0.05") << false << 0.05;
        QTest::newRow("constant lr 0.02") << false << 0.02;
    }
    QTest::newRow("cosine from lr 0.05") << true << 0.05;
}

void TestAgentTraining::reachesTargetAccuracy()
{
    QFETCH(bool, cosine);
    QFETCH(double, learningRate);
    constexpr int kPerClass = 500;
    constexpr int kEpochs = 3;
    constexpr int kBatchSize = 64;
    constexpr int kValImages = 2000;
    QString error;
    const auto test = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(test, qPrintable(error));

    // 500 of each class, in the file's order; shuffled per epoch with a fixed seed.
    std::vector<int> train;
    std::array<int, FashionMnist::kClasses> taken{};
    for (int i = 0; i < m_data->count() && int(train.size()) < kPerClass * FashionMnist::kClasses; ++i) {
        if (taken[size_t(m_data->label(i))]++ < kPerClass)
            train.push_back(i);
    }
    SessionConfig config = fashionConfig();
    config.mean = SessionConfig().mean;
    config.std = SessionConfig().std;
    config.batchSize = kBatchSize;
    config.epochs = kEpochs;
    config.learningRate = learningRate;
    config.stepsPerEpoch = cosine ? int((train.size() + kBatchSize - 1) / kBatchSize) : 0;

    AgentTestClient client(m_agent.secret());
    QVERIFY2(client.connectTo(m_agent.url()), qPrintable(client.closeMessage()));
    QVERIFY2(client.startSession(config), qPrintable(client.closeMessage()));
    std::mt19937 random(42);
    quint64 seq = 0;
    QElapsedTimer timer;
    timer.start();
    float accuracy = 0.F;
    float best = 0.F;
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
        std::shuffle(train.begin(), train.end(), random);
        quint32 batches = 0;
        for (size_t first = 0; first < train.size(); first += kBatchSize, ++batches) {
            const size_t count = std::min<size_t>(kBatchSize, train.size() - first);
            Batch batch = m_data->batch(seq++, quint32(epoch), Split::Train, 0, 1);
            batch.labels.clear();
            batch.contentIds.clear();
            batch.pixels.clear();
            for (size_t k = first; k < first + count; ++k) {
                const Batch one = m_data->batch(0, 0, Split::Train, train[k], 1);
                batch.labels.push_back(one.labels[0]);
                batch.contentIds.push_back(one.contentIds[0]);
                batch.pixels += one.pixels;
            }
            QVERIFY2(client.sendBatch(batch), qPrintable(client.closeMessage()));
        }
        client.send(EpochEnd{quint32(epoch), Split::Train, batches});
        quint32 valBatches = 0;
        for (int first = 0; first < kValImages; first += 250, ++valBatches)
            QVERIFY(client.sendBatch(test->batch(seq++, quint32(epoch), Split::Val, first, 250)));
        client.send(EpochEnd{quint32(epoch), Split::Val, valBatches});
        for (int k = 0; k < 2; ++k) {
            const std::optional<EpochMetrics> metrics = client.take<EpochMetrics>(300000);
            QVERIFY2(metrics, qPrintable(client.closeMessage()));
            qInfo("epoch %u %s: accuracy %.4f, mean loss %.4f, %.1f s", metrics->epoch, splitName(metrics->split),
                  double(metrics->accuracy), double(metrics->meanLoss), double(metrics->durationNs) / 1e9);
            if (metrics->split == Split::Val) {
                accuracy = metrics->accuracy;
                best = std::max(best, accuracy);
            }
        }
    }
    qInfo("final validation accuracy %.4f (best %.4f) after %.1f s", double(accuracy), double(best),
          double(timer.nsecsElapsed()) / 1e9);
    // A constant rate leaves the last epoch noisy (±4%): its best epoch must reach the target.
    QVERIFY(cosine ? accuracy >= 0.80F : best >= 0.80F && accuracy >= 0.75F);
    client.close();
}

QTEST_GUILESS_MAIN(TestAgentTraining)
#include "tst_agent_training.moc"
