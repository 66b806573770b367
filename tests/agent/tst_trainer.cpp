// Tests of colab_agent/trainer on the CPU with real Fashion-MNIST batches: normalisation and colour
// order of staged input, the device flip, a step that is the same for the same seed, validation and
// inference that leave the weights alone, the cosine learning rate, the device spans, and the
// exported state dict.
#include "fashion_mnist.h"
#include "small_cnn.h"
#include "trainer.h"

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <QTest>

#include <cmath>
#include <memory>
#include <optional>
#include <vector>

using namespace tandem::protocol;
using tandem::agent::DevicePlan;
using tandem::agent::SmallCnn;
using tandem::agent::Trainer;
using tandem::agent::WorkItem;

namespace {

constexpr int kBatch = 16;
constexpr double kLearningRate = 0.05;

SessionConfig fashionConfig(int channels = 1)
{
    SessionConfig config = FashionMnist::sessionConfig(kBatch, channels);
    config.learningRate = kLearningRate;
    config.mean = {0.25, 0.5, 0.75}; // unlike each other, so that a swapped channel would show
    config.std = {0.5, 0.25, 0.125};
    config.seed = 11;
    return config;
}

DevicePlan cpu()
{
    return DevicePlan{false, 0, QStringLiteral("cpu"), QString()};
}

const Span *findSpan(const StepMetrics &metrics, Stage stage)
{
    for (const Span &span : metrics.spans) {
        if (span.stage == stage)
            return &span;
    }
    return nullptr;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stagesNormalisedNchw_data();
    void stagesNormalisedNchw();
    void flipsOnlyTrainBatches();
    void sameSeedSameSteps();
    void scoringLeavesTheModelAlone();
    void dataPathModeTrainsNothing();
    void learningRateFollowsTheCosine();
    void constantLearningRateWithoutSchedule();
    void reportsDeviceSpans();
    void exportsTheStateDict();
    void infoResolvesModelAndPrecision();

private:
    [[nodiscard]] WorkItem item(quint64 seq, Split split, int first, int channels = 1) const
    {
        return WorkItem::fromBatch(m_data->batch(seq, 0, split, first, kBatch, channels), false);
    }
    // One batch through stage, launch and finish.
    [[nodiscard]] Trainer::Outcome step(Trainer &trainer, quint64 seq, Split split, int first) const
    {
        Trainer::InFlight batch = trainer.stage(item(seq, split, first));
        trainer.launch(batch);
        return trainer.finish(batch);
    }

    std::optional<FashionMnist> m_data;
};

void TestTrainer::initTestCase()
{
    at::set_num_threads(1); // the same reductions in the same order: bit-identical repeats
    QString error;
    m_data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("train"), &error);
    QVERIFY2(m_data, qPrintable(error));
}

void TestTrainer::stagesNormalisedNchw_data()
{
    QTest::addColumn<int>("channels");
    QTest::newRow("gray") << 1;
    QTest::newRow("colour") << 3;
}

void TestTrainer::stagesNormalisedNchw()
{
    QFETCH(int, channels);
    const SessionConfig config = fashionConfig(channels);
    Trainer trainer(config, cpu());
    const WorkItem input = item(1, Split::Val, 300, channels);
    const Trainer::InFlight staged = trainer.stage(input);

    QCOMPARE(staged.x.scalar_type(), at::kFloat);
    QCOMPARE(staged.x.sizes().vec(),
             (std::vector<int64_t>{kBatch, channels, FashionMnist::kSide, FashionMnist::kSide}));
    QCOMPARE(staged.y.scalar_type(), at::kLong);
    QVERIFY(staged.y.equal(input.labels));
    // x[n][c][y][x] = (pixel[n][y][x][c] / 255 − mean[c]) / std[c], channel c as sent.
    const at::Tensor pixels = input.pixels;
    const at::Tensor x = staged.x.contiguous();
    for (int n : {0, kBatch - 1}) {
        for (int c = 0; c < channels; ++c) {
            for (int y : {0, 13, 27}) {
                for (int col : {0, 6, 20}) {
                    const double pixel = pixels[n][y][col][c].item<uint8_t>();
                    const double expected = (pixel / 255.0 - config.mean[size_t(c)]) / config.std[size_t(c)];
                    const double got = x[n][c][y][col].item<float>();
                    QVERIFY2(std::abs(got - expected) < 1e-4,
                             qPrintable(QStringLiteral("n %1 c %2 (%3, %4): %5, expected %6")
                                            .arg(n)
                                            .arg(c)
                                            .arg(col)
                                            .arg(y)
                                            .arg(got)
                                            .arg(expected)));
                }
            }
        }
    }
}

void TestTrainer::flipsOnlyTrainBatches()
{
    SessionConfig config = fashionConfig();
    config.deviceFlip = true;
    Trainer flipping(config, cpu());
    Trainer plain(fashionConfig(), cpu());

    const at::Tensor reference = plain.stage(item(0, Split::Train, 0)).x;
    const at::Tensor mirrored = reference.flip({3});
    const at::Tensor train = flipping.stage(item(0, Split::Train, 0)).x;
    int flipped = 0;
    for (int n = 0; n < kBatch; ++n) {
        const bool same = train[n].equal(reference[n]);
        const bool mirror = train[n].equal(mirrored[n]);
        QVERIFY2(same || mirror, qPrintable(QStringLiteral("sample %1 is neither itself nor its mirror").arg(n)));
        flipped += mirror && !same ? 1 : 0;
    }
    // Each sample flips with probability ½: all 16 or none would mean no random flip.
    QVERIFY2(flipped > 0 && flipped < kBatch, qPrintable(QString::number(flipped)));

    QVERIFY(flipping.stage(item(0, Split::Val, 0)).x.equal(plain.stage(item(0, Split::Val, 0)).x));
}

void TestTrainer::sameSeedSameSteps()
{
    auto losses = [this](quint64 seed) {
        SessionConfig config = fashionConfig();
        config.seed = seed;
        Trainer trainer(config, cpu());
        std::vector<float> result;
        for (int i = 0; i < 3; ++i)
            result.push_back(step(trainer, quint64(i), Split::Train, i * kBatch).metrics.loss);
        return result;
    };
    const std::vector<float> first = losses(5);
    QCOMPARE(losses(5), first);
    QVERIFY(losses(6) != first); // the seed decides the initial weights
    for (float loss : first)
        QVERIFY(std::isfinite(loss) && loss > 0.F);
}

void TestTrainer::scoringLeavesTheModelAlone()
{
    Trainer trainer(fashionConfig(), cpu());
    const QByteArray initial = trainer.exportWeights();
    const Trainer::Outcome val = step(trainer, 1, Split::Val, 1000);
    const Trainer::Outcome infer = step(trainer, 2, Split::Infer, 2000);
    // Neither weights nor BatchNorm running statistics (both are in the state dict) moved.
    QCOMPARE(trainer.exportWeights(), initial);
    // In eval mode a sample's logits do not depend on its batch: scoring again gives the same.
    QCOMPARE(step(trainer, 3, Split::Val, 1000).metrics.loss, val.metrics.loss);
    QVERIFY(val.metrics.loss > 0.F);
    QVERIFY(val.metrics.correct <= quint32(kBatch));
    QCOMPARE(val.lossSum, double(val.metrics.loss) * kBatch);
    QVERIFY(!val.infer);

    QVERIFY(infer.infer);
    QCOMPARE(infer.infer->seq, quint64(2));
    QCOMPARE(infer.infer->count, quint32(kBatch));
    QCOMPARE(infer.infer->classes, quint32(FashionMnist::kClasses));
    QCOMPARE(infer.infer->logits.size(), size_t(kBatch * FashionMnist::kClasses));
    QCOMPARE(infer.lossSum, 0.0);

    (void)step(trainer, 4, Split::Train, 0);
    QVERIFY(trainer.exportWeights() != initial);
}

// Data-path mode (issue 11): the batch reaches the device, normalised, and stops there. No weight
// moves, only the copy is timed, and the session info says the mode is honoured.
void TestTrainer::dataPathModeTrainsNothing()
{
    SessionConfig config = fashionConfig();
    config.dataPathOnly = true;
    Trainer trainer(config, cpu());
    QVERIFY(trainer.info().dataPath);
    QVERIFY(!Trainer(fashionConfig(), cpu()).info().dataPath);
    const QByteArray initial = trainer.exportWeights();
    for (const Split split : {Split::Train, Split::Val}) {
        const Trainer::Outcome outcome = step(trainer, 1, split, 0);
        QCOMPARE(outcome.metrics.count, quint32(kBatch));
        QCOMPARE(outcome.metrics.loss, 0.F);
        QCOMPARE(outcome.metrics.correct, quint32(0));
        QCOMPARE(outcome.metrics.spans.size(), size_t(1));
        QCOMPARE(outcome.metrics.spans.front().stage, Stage::HostToDevice);
        QVERIFY(outcome.metrics.spans.front().endNs >= outcome.metrics.spans.front().startNs);
    }
    QCOMPARE(trainer.exportWeights(), initial);
    // Inference still runs the model: it is how exported weights are checked.
    QVERIFY(step(trainer, 2, Split::Infer, 0).infer);
}

void TestTrainer::learningRateFollowsTheCosine()
{
    SessionConfig config = fashionConfig();
    config.epochs = 2;
    config.stepsPerEpoch = 4; // 8 train steps over the session
    Trainer trainer(config, cpu());
    std::vector<double> rates;
    for (int i = 0; i < 10; ++i)
        rates.push_back(step(trainer, quint64(i), Split::Train, i * kBatch).metrics.learningRate);
    QCOMPARE(rates.front(), double(float(kLearningRate)));
    QVERIFY(std::abs(rates[4] - kLearningRate / 2) < 1e-7); // halfway
    for (size_t i = 1; i < 8; ++i)
        QVERIFY2(rates[i] < rates[i - 1], qPrintable(QStringLiteral("step %1").arg(i)));
    QVERIFY(rates[8] < 1e-9); // the end of the schedule, and it stays there
    QVERIFY(rates[9] < 1e-9);
    // Scoring reports the rate the next train step would use, and does not advance the schedule.
    SessionConfig fresh = config;
    Trainer scored(fresh, cpu());
    (void)step(scored, 0, Split::Train, 0);
    QCOMPARE(double(step(scored, 1, Split::Val, 0).metrics.learningRate), rates[1]);
    QCOMPARE(double(step(scored, 2, Split::Train, kBatch).metrics.learningRate), rates[1]);
}

void TestTrainer::constantLearningRateWithoutSchedule()
{
    Trainer trainer(fashionConfig(), cpu()); // stepsPerEpoch 0: the client did not say
    for (int i = 0; i < 3; ++i)
        QCOMPARE(step(trainer, quint64(i), Split::Train, i * kBatch).metrics.learningRate, float(kLearningRate));
}

void TestTrainer::reportsDeviceSpans()
{
    Trainer trainer(fashionConfig(), cpu());
    QVERIFY(!trainer.isAsynchronous());
    const Trainer::Outcome train = step(trainer, 7, Split::Train, 0);
    QCOMPARE(train.metrics.seq, quint64(7));
    QCOMPARE(train.metrics.count, quint32(kBatch));
    QCOMPARE(train.metrics.split, Split::Train);
    const std::vector<Stage> trainStages{Stage::HostToDevice, Stage::Forward, Stage::Backward, Stage::OptimizerStep};
    QCOMPARE(train.metrics.spans.size(), trainStages.size());
    for (size_t i = 0; i < trainStages.size(); ++i) {
        const Span &span = train.metrics.spans[i];
        QCOMPARE(span.stage, trainStages[i]);
        QVERIFY(span.startNs > 0);
        QVERIFY(span.endNs >= span.startNs);
        if (i > 0)
            QVERIFY(span.startNs >= train.metrics.spans[i - 1].endNs); // one after the other
    }

    const Trainer::Outcome val = step(trainer, 8, Split::Val, 0);
    QCOMPARE(val.metrics.spans.size(), size_t(2));
    QVERIFY(findSpan(val.metrics, Stage::Forward));
    QVERIFY(!findSpan(val.metrics, Stage::Backward));
    QVERIFY(!findSpan(val.metrics, Stage::OptimizerStep));
}

void TestTrainer::exportsTheStateDict()
{
    Trainer trainer(fashionConfig(), cpu());
    (void)step(trainer, 0, Split::Train, 0);
    const QByteArray bytes = trainer.exportWeights();
    const torch::IValue loaded = torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    QVERIFY(loaded.isGenericDict());
    const c10::impl::GenericDict dict = loaded.toGenericDict();

    // The same model, built alone: its parameters and buffers, in PyTorch's state_dict order.
    const auto model = std::make_shared<SmallCnn>(1, FashionMnist::kClasses); // named_modules() needs it shared
    std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
    for (const auto &entry : model->named_modules(std::string(), true)) {
        const std::string prefix = entry.key().empty() ? std::string() : entry.key() + ".";
        for (const auto &p : entry.value()->named_parameters(false))
            expected.emplace_back(prefix + p.key(), p.value().sizes().vec());
        for (const auto &b : entry.value()->named_buffers(false))
            expected.emplace_back(prefix + b.key(), b.value().sizes().vec());
    }
    QCOMPARE(size_t(dict.size()), expected.size());
    size_t i = 0;
    qint64 parameters = 0;
    for (const auto &entry : dict) {
        QCOMPARE(QString::fromStdString(entry.key().toStringRef()), QString::fromStdString(expected[i].first));
        const at::Tensor tensor = entry.value().toTensor();
        QCOMPARE(tensor.sizes().vec(), expected[i].second);
        QVERIFY(tensor.device().is_cpu());
        if (tensor.is_floating_point() && !QByteArray::fromStdString(expected[i].first).contains("running_"))
            parameters += tensor.numel();
        ++i;
    }
    QCOMPARE(parameters, trainer.info().parameters);
    // One train step counted in every BatchNorm.
    QCOMPARE(dict.at(std::string("features.1.num_batches_tracked")).toTensor().item<int64_t>(), int64_t(1));
}

void TestTrainer::infoResolvesModelAndPrecision()
{
    SessionConfig config = fashionConfig();
    config.model = QStringLiteral("auto");
    config.precision = QStringLiteral("bf16");
    const Trainer small(config, cpu());
    QCOMPARE(small.info().model, QStringLiteral("cnn")); // up to 64 pixels
    QCOMPARE(small.info().precision, QStringLiteral("fp32"));
    QCOMPARE(small.info().note, QStringLiteral("bf16 autocast needs CUDA; training in fp32 on the CPU"));
    QCOMPARE(small.info().device, QStringLiteral("cpu"));
    QVERIFY(!small.info().torchVersion.isEmpty());

    config.height = config.width = 96;
    config.precision = QStringLiteral("auto"); // fp32 on the CPU, without a note
    DevicePlan plan = cpu();
    plan.note = QStringLiteral("the agent chose the CPU");
    const Trainer large(config, plan);
    QCOMPARE(large.info().model, QStringLiteral("resnet18"));
    QCOMPARE(large.info().precision, QStringLiteral("fp32"));
    QCOMPARE(large.info().note, QStringLiteral("the agent chose the CPU"));
    QVERIFY(large.info().parameters > 10 * small.info().parameters);
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
