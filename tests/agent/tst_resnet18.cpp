// Tests of colab_agent/resnet18: the state dict has torchvision's resnet18 names, order and shapes
// (so that load_state_dict(strict=True) works in Python), its parameter count, torchvision's
// initialisation, and logits of the right shape for gray and colour inputs.
#include "resnet18.h"

#include <ATen/Functions.h>
#include <torch/utils.h>

#include <QTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using tandem::agent::ResNet18;

namespace {

// torchvision.models.resnet18(num_classes=classes) with `channels` input channels, as
// (name, shape) in state_dict order, written from torchvision's architecture.
std::vector<std::pair<std::string, std::vector<int64_t>>> torchvisionStateDict(int64_t channels, int64_t classes)
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> keys;
    auto batchNorm = [&](const std::string &name, int64_t width) {
        for (const char *part : {"weight", "bias", "running_mean", "running_var"})
            keys.push_back({name + "." + part, {width}});
        keys.push_back({name + ".num_batches_tracked", {}});
    };
    keys.push_back({"conv1.weight", {64, channels, 7, 7}});
    batchNorm("bn1", 64);
    int64_t in = 64;
    const int64_t widths[] = {64, 128, 256, 512};
    for (int layer = 0; layer < 4; ++layer) {
        const int64_t out = widths[layer];
        for (int block = 0; block < 2; ++block) {
            const std::string prefix = "layer" + std::to_string(layer + 1) + "." + std::to_string(block) + ".";
            const int64_t blockIn = block == 0 ? in : out;
            keys.push_back({prefix + "conv1.weight", {out, blockIn, 3, 3}});
            batchNorm(prefix + "bn1", out);
            keys.push_back({prefix + "conv2.weight", {out, out, 3, 3}});
            batchNorm(prefix + "bn2", out);
            if (block == 0 && layer > 0) {
                keys.push_back({prefix + "downsample.0.weight", {out, blockIn, 1, 1}});
                batchNorm(prefix + "downsample.1", out);
            }
        }
        in = out;
    }
    keys.push_back({"fc.weight", {classes, 512}});
    keys.push_back({"fc.bias", {classes}});
    return keys;
}

// (name, shape) of the model's parameters and buffers, module by module as state_dict() walks them.
std::vector<std::pair<std::string, std::vector<int64_t>>> stateDict(const torch::nn::Module &model)
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> keys;
    for (const auto &entry : model.named_modules(std::string(), true)) {
        const std::string prefix = entry.key().empty() ? std::string() : entry.key() + ".";
        for (const auto &p : entry.value()->named_parameters(false))
            keys.push_back({prefix + p.key(), p.value().sizes().vec()});
        for (const auto &b : entry.value()->named_buffers(false))
            keys.push_back({prefix + b.key(), b.value().sizes().vec()});
    }
    return keys;
}

} // namespace

class TestResNet18 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void namesMatchTorchvision_data();
    void namesMatchTorchvision();
    void parameterCountOfImageNetModel();
    void initialisedAsTorchvision();
    void logits_data();
    void logits();
};

void TestResNet18::initTestCase()
{
    at::manual_seed(2);
}

void TestResNet18::namesMatchTorchvision_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("classes");
    QTest::newRow("ImageNet") << 3 << 1000;
    QTest::newRow("gray, 10 classes") << 1 << 10;
}

void TestResNet18::namesMatchTorchvision()
{
    QFETCH(int, channels);
    QFETCH(int, classes);
    const auto model = std::make_shared<ResNet18>(channels, classes); // named_modules() needs it shared
    const auto got = stateDict(*model);
    const auto expected = torchvisionStateDict(channels, classes);
    QCOMPARE(got.size(), expected.size());
    QCOMPARE(got.size(), size_t(122)); // len(torchvision.models.resnet18().state_dict())
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(QString::fromStdString(got[i].first), QString::fromStdString(expected[i].first));
        QVERIFY2(got[i].second == expected[i].second, got[i].first.c_str());
    }
}

void TestResNet18::parameterCountOfImageNetModel()
{
    const ResNet18 model(3, 1000);
    int64_t count = 0;
    for (const auto &p : model.parameters())
        count += p.numel();
    QCOMPARE(count, int64_t(11'689'512)); // torchvision's documented figure for resnet18
}

void TestResNet18::initialisedAsTorchvision()
{
    const ResNet18 model(3, 10);
    const auto parameters = model.named_parameters();
    // Kaiming normal, fan_out, ReLU gain: std = sqrt(2 / (out × k × k)).
    const at::Tensor conv = parameters["layer4.1.conv2.weight"];
    const double expectedStd = std::sqrt(2.0 / (512.0 * 3 * 3));
    const double spread = conv.std().item<double>();
    QVERIFY2(std::abs(spread / expectedStd - 1.0) < 0.02, qPrintable(QString::number(spread / expectedStd)));
    QVERIFY(std::abs(conv.mean().item<double>()) < 0.05 * expectedStd);
    for (const char *name : {"bn1", "layer2.0.downsample.1", "layer4.1.bn2"}) {
        QVERIFY2(parameters[std::string(name) + ".weight"].eq(1).all().item<bool>(), name);
        QVERIFY2(parameters[std::string(name) + ".bias"].eq(0).all().item<bool>(), name);
    }
}

void TestResNet18::logits_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("side");
    QTest::addColumn<int>("classes");
    QTest::newRow("gray 96") << 1 << 96 << 10;
    QTest::newRow("colour 224") << 3 << 224 << 1000;
    QTest::newRow("colour 65, odd") << 3 << 65 << 3;
}

void TestResNet18::logits()
{
    QFETCH(int, channels);
    QFETCH(int, side);
    QFETCH(int, classes);
    ResNet18 model(channels, classes);
    model.eval();
    torch::NoGradGuard noGrad;
    const at::Tensor logits = model.forward(at::randn({2, channels, side, side}));
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, classes}));
    QVERIFY(at::isfinite(logits).all().item<bool>());
}

QTEST_GUILESS_MAIN(TestResNet18)
#include "tst_resnet18.moc"
