// Tests of colab_agent/training_pipeline in this process, with its real trainer thread and real
// Fashion-MNIST batches: each batch that does not fit the session is refused with its own reason
// and never reaches the trainer; accepted batches, epoch ends and weight requests come back in the
// order they were queued; the queue is bounded; stop() drops the work.
#include "fashion_mnist.h"
#include "training_pipeline.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

using namespace tandem::protocol;
using tandem::agent::DevicePlan;
using tandem::agent::TrainingPipeline;

namespace {

constexpr int kBatch = 16;
constexpr int kCredits = 3;
constexpr int kMaxPendingRequests = 64; // as in training_pipeline.cpp: requests queued beside batches
constexpr int kTimeoutMs = 60000;

SessionConfig fashionConfig()
{
    SessionConfig config = FashionMnist::sessionConfig(kBatch);
    config.seed = 3;
    return config;
}

TrainingPipeline::Setup cpuSetup(SessionConfig config = fashionConfig())
{
    TrainingPipeline::Setup setup;
    setup.config = std::move(config);
    setup.device = DevicePlan{false, 0, QStringLiteral("cpu"), QString()};
    setup.threads = 1;
    setup.credits = kCredits;
    return setup;
}

// What a batch can get wrong, for the table of refusals.
enum class Fault {
    Height,
    Width,
    Channels,
    PixelsShort,
    PixelsLong,
    ContentIdMissing,
    LabelAdded,
    LabelTooLarge,
    LabelNegative
};

} // namespace

Q_DECLARE_METATYPE(Fault)

class TestTrainingPipeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void startsAndReportsItsCredits();
    void refusesBatchesThatDoNotFit_data();
    void refusesBatchesThatDoNotFit();
    void infersWithoutLabels();
    void reportsInQueueOrder();
    void boundsPendingRequests();
    void stopDropsWork();
    void unknownModelFails();

private:
    [[nodiscard]] Batch batch(quint64 seq, Split split, int first, int channels = 1, int side = FashionMnist::kSide,
                              quint32 epoch = 0) const
    {
        return m_data->batch(seq, epoch, split, first, kBatch, channels, side);
    }

    std::optional<FashionMnist> m_data;
};

void TestTrainingPipeline::initTestCase()
{
    QString error;
    m_data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("train"), &error);
    QVERIFY2(m_data, qPrintable(error));
}

void TestTrainingPipeline::startsAndReportsItsCredits()
{
    TrainingPipeline pipeline(cpuSetup());
    QSignalSpy started(&pipeline, &TrainingPipeline::started);
    QSignalSpy failed(&pipeline, &TrainingPipeline::failed);
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, kTimeoutMs);
    QCOMPARE(failed.size(), 0);
    const auto info = started.first().first().value<SessionInfo>();
    QCOMPARE(info.credits, kCredits);
    QCOMPARE(info.model, QStringLiteral("cnn"));
    QCOMPARE(info.device, QStringLiteral("cpu"));
    QCOMPARE(info.precision, QStringLiteral("fp32"));
    QVERIFY(info.parameters > 0);
    QCOMPARE(pipeline.config().numClasses(), FashionMnist::kClasses);
}

void TestTrainingPipeline::refusesBatchesThatDoNotFit_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<int>("split");
    QTest::addColumn<QString>("error");
    const QString sizes = QStringLiteral("batch 7: sizes of pixels, labels and content ids disagree");
    const int train = int(Split::Train);
    QTest::newRow("taller") << Fault::Height << train
                            << "batch 7 holds 32×28×1 samples, the session expects 28×28×1 (H×W×C)";
    QTest::newRow("wider") << Fault::Width << train
                           << "batch 7 holds 28×32×1 samples, the session expects 28×28×1 (H×W×C)";
    QTest::newRow("three channels") << Fault::Channels << train
                                    << "batch 7 holds 28×28×3 samples, the session expects 28×28×1 (H×W×C)";
    QTest::newRow("infer of another shape")
        << Fault::Channels << int(Split::Infer) << "batch 7 holds 28×28×3 samples, the session expects 28×28×1 (H×W×C)";
    QTest::newRow("a byte short") << Fault::PixelsShort << train << sizes;
    QTest::newRow("a byte over") << Fault::PixelsLong << int(Split::Val) << sizes;
    QTest::newRow("a content id missing") << Fault::ContentIdMissing << train << sizes;
    QTest::newRow("a label more than samples") << Fault::LabelAdded << train << sizes;
    QTest::newRow("label = classes") << Fault::LabelTooLarge << train << "batch 7: label 10 is outside 0..9";
    QTest::newRow("negative label") << Fault::LabelNegative << train << "batch 7: label -1 is outside 0..9";
    QTest::newRow("negative label in val")
        << Fault::LabelNegative << int(Split::Val) << "batch 7: label -1 is outside 0..9";
}

void TestTrainingPipeline::refusesBatchesThatDoNotFit()
{
    QFETCH(Fault, fault);
    QFETCH(int, split);
    QFETCH(QString, error);

    TrainingPipeline pipeline(cpuSetup());
    QSignalSpy started(&pipeline, &TrainingPipeline::started);
    QSignalSpy steps(&pipeline, &TrainingPipeline::stepFinished);
    QSignalSpy inferred(&pipeline, &TrainingPipeline::inferFinished);
    QSignalSpy taken(&pipeline, &TrainingPipeline::batchTaken);
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, kTimeoutMs);

    const bool otherShape = fault == Fault::Height || fault == Fault::Width || fault == Fault::Channels;
    Batch bad = batch(7, Split(split), 0, fault == Fault::Channels ? 3 : 1);
    if (fault == Fault::Height || fault == Fault::Width) {
        // A real 32×32 batch, labelled as 32×28 or 28×32 with the bytes to match.
        const Batch big = batch(7, Split(split), 0, 1, 32);
        bad = big;
        (fault == Fault::Height ? bad.width : bad.height) = FashionMnist::kSide;
        bad.pixels.truncate(qsizetype(bad.count()) * bad.sampleBytes());
    }
    switch (fault) {
    case Fault::PixelsShort: bad.pixels.chop(1); break;
    case Fault::PixelsLong: bad.pixels.append('\0'); break;
    case Fault::ContentIdMissing: bad.contentIds.pop_back(); break;
    case Fault::LabelAdded:
        bad.labels.push_back(0);
        bad.contentIds.push_back(0);
        break;
    case Fault::LabelTooLarge: bad.labels[5] = FashionMnist::kClasses; break;
    case Fault::LabelNegative: bad.labels[kBatch - 1] = -1; break;
    default: QVERIFY(otherShape); break;
    }
    QCOMPARE(pipeline.submitBatch(bad, 0, 0), error);

    // Nothing of the refused batch reaches the trainer: the next good batch is the only one taken.
    QCOMPARE(pipeline.submitBatch(batch(8, Split::Train, kBatch), 0, 0), QString());
    QTRY_COMPARE_WITH_TIMEOUT(steps.size(), 1, kTimeoutMs);
    QCOMPARE(steps.first().first().value<StepMetrics>().seq, quint64(8));
    QCOMPARE(taken.size(), 1);
    QCOMPARE(inferred.size(), 0);
}

void TestTrainingPipeline::infersWithoutLabels()
{
    TrainingPipeline pipeline(cpuSetup());
    QSignalSpy inferred(&pipeline, &TrainingPipeline::inferFinished);
    QSignalSpy steps(&pipeline, &TrainingPipeline::stepFinished);
    Batch infer = batch(11, Split::Infer, 100);
    std::fill(infer.labels.begin(), infer.labels.end(), -1); // unknown, as the app sends them
    QCOMPARE(pipeline.submitBatch(infer, 0, 0), QString());
    QTRY_COMPARE_WITH_TIMEOUT(inferred.size(), 1, kTimeoutMs);
    const auto result = inferred.first().first().value<InferResult>();
    QCOMPARE(result.seq, quint64(11));
    QCOMPARE(result.count, quint32(kBatch));
    QCOMPARE(result.classes, quint32(FashionMnist::kClasses));
    QCOMPARE(result.logits.size(), size_t(kBatch * FashionMnist::kClasses));
    QVERIFY(std::all_of(result.logits.begin(), result.logits.end(), [](float v) { return std::isfinite(v); }));
    QCOMPARE(steps.size(), 0);
}

void TestTrainingPipeline::reportsInQueueOrder()
{
    TrainingPipeline pipeline(cpuSetup());
    // One log of everything the pipeline reports, in the order it arrives.
    QStringList log;
    std::vector<StepMetrics> steps;
    std::optional<EpochMetrics> epoch;
    std::optional<Weights> weights;
    connect(&pipeline, &TrainingPipeline::batchTaken, this, [&] { log.push_back(QStringLiteral("taken")); });
    connect(&pipeline, &TrainingPipeline::stepFinished, this, [&](const StepMetrics &m) {
        log.push_back(QStringLiteral("step %1 %2").arg(m.seq).arg(QLatin1String(splitName(m.split))));
        steps.push_back(m);
    });
    connect(&pipeline, &TrainingPipeline::epochFinished, this, [&](const EpochMetrics &m) {
        log.push_back(QStringLiteral("epoch %1 %2").arg(m.epoch).arg(QLatin1String(splitName(m.split))));
        epoch = m;
    });
    connect(&pipeline, &TrainingPipeline::weightsReady, this, [&](const Weights &w) {
        log.push_back(QStringLiteral("weights"));
        weights = w;
    });

    // Queued before the model is even built: the trainer takes them in order once it is.
    for (int i = 0; i < kCredits; ++i)
        QCOMPARE(pipeline.submitBatch(batch(quint64(i), Split::Train, i * kBatch, 1, FashionMnist::kSide, 2), 0, 0),
                 QString());
    QVERIFY(pipeline.submitEpochEnd(EpochEnd{2, Split::Train, quint32(kCredits)}));
    QVERIFY(pipeline.submitWeightsRequest());
    QTRY_VERIFY_WITH_TIMEOUT(weights.has_value(), kTimeoutMs);

    const QStringList expected{"taken", "step 0 train", "taken",         "step 1 train",
                               "taken", "step 2 train", "epoch 2 train", "weights"};
    QCOMPARE(log, expected);

    // The epoch sums up exactly the steps reported for it.
    QVERIFY(epoch);
    quint32 correct = 0;
    double lossSum = 0.0;
    for (const StepMetrics &step : steps) {
        QCOMPARE(step.epoch, quint32(2));
        QCOMPARE(step.count, quint32(kBatch));
        QVERIFY(std::isfinite(step.loss));
        correct += step.correct;
        lossSum += double(step.loss) * step.count;
    }
    QCOMPARE(epoch->samples, quint32(kCredits * kBatch));
    QCOMPARE(epoch->correct, correct);
    QCOMPARE(epoch->accuracy, float(double(correct) / (kCredits * kBatch)));
    QVERIFY(std::abs(double(epoch->meanLoss) - lossSum / (kCredits * kBatch)) < 1e-5);
    QVERIFY(epoch->durationNs >= 0);

    QCOMPARE(weights->format, QStringLiteral("torch-pickle-state-dict"));
    QVERIFY(weights->data.startsWith("PK\x03\x04")); // torch.save's zip archive
}

void TestTrainingPipeline::boundsPendingRequests()
{
    TrainingPipeline pipeline(cpuSetup());
    // Each weights export takes the trainer milliseconds; pushing takes it well under a
    // microsecond, so the queue fills long before this many.
    constexpr int kAttempts = 10000;
    int accepted = 0;
    while (accepted < kAttempts && pipeline.submitWeightsRequest())
        ++accepted;
    QVERIFY2(accepted < kAttempts, "the agent accepted every request");
    QVERIFY2(accepted >= kCredits + kMaxPendingRequests, qPrintable(QString::number(accepted)));
    QVERIFY(!pipeline.submitEpochEnd(EpochEnd{0, Split::Train, 0}));
}

void TestTrainingPipeline::stopDropsWork()
{
    TrainingPipeline pipeline(cpuSetup());
    QSignalSpy started(&pipeline, &TrainingPipeline::started);
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, kTimeoutMs);
    pipeline.stop();
    QCOMPARE(pipeline.submitBatch(batch(4, Split::Train, 0), 0, 0),
             QStringLiteral("batch 4 exceeds the agent's queue"));
    QVERIFY(!pipeline.submitEpochEnd(EpochEnd{0, Split::Train, 1}));
    QVERIFY(!pipeline.submitWeightsRequest());
}

void TestTrainingPipeline::unknownModelFails()
{
    SessionConfig config = fashionConfig();
    config.model = QStringLiteral("vgg16"); // SessionConfig::fromJson refuses it; the trainer must too
    TrainingPipeline pipeline(cpuSetup(config));
    QSignalSpy started(&pipeline, &TrainingPipeline::started);
    QSignalSpy failed(&pipeline, &TrainingPipeline::failed);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeoutMs);
    QCOMPARE(failed.first().first().toString(), QStringLiteral("unknown model vgg16"));
    QCOMPARE(started.size(), 0);
}

QTEST_GUILESS_MAIN(TestTrainingPipeline)
#include "tst_training_pipeline.moc"
