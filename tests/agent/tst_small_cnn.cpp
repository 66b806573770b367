// Tests of colab_agent/small_cnn: logits of the right shape for every input side it supports, the
// fixed 4×4 pooled grid in front of the classifier, and BatchNorm's train/eval behaviour.
#include "small_cnn.h"

#include <ATen/Functions.h>
#include <torch/utils.h>

#include <QTest>

#include <vector>

using tandem::agent::SmallCnn;

class TestSmallCnn : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void logitsForEverySide_data();
    void logitsForEverySide();
    void classifierSeesAFixedGrid();
    void evalDoesNotDependOnTheBatch();
};

void TestSmallCnn::initTestCase()
{
    at::manual_seed(1);
}

void TestSmallCnn::logitsForEverySide_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::newRow("smallest, gray") << 1 << 10 << 8 << 8;
    QTest::newRow("Fashion-MNIST") << 1 << 10 << 28 << 28;
    QTest::newRow("CIFAR") << 3 << 10 << 32 << 32;
    QTest::newRow("not square") << 3 << 2 << 40 << 24;
    QTest::newRow("largest, many classes") << 3 << 100 << 64 << 64;
}

void TestSmallCnn::logitsForEverySide()
{
    QFETCH(int, channels);
    QFETCH(int, classes);
    QFETCH(int, height);
    QFETCH(int, width);
    SmallCnn model(channels, classes);
    for (bool training : {true, false}) {
        model.train(training);
        const at::Tensor logits = model.forward(at::randn({3, channels, height, width}));
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{3, classes}));
        QVERIFY(at::isfinite(logits).all().item<bool>());
    }
}

void TestSmallCnn::classifierSeesAFixedGrid()
{
    SmallCnn model(1, 10);
    const at::Tensor fc = model.named_parameters()["fc.weight"];
    const at::Tensor lastConv = model.named_parameters()["features.8.weight"];
    // The last block's channels, each pooled to 4×4, whatever the input side.
    QCOMPARE(fc.sizes().vec(), (std::vector<int64_t>{10, lastConv.size(0) * 4 * 4}));
    QCOMPARE(lastConv.size(2), int64_t(3));
}

void TestSmallCnn::evalDoesNotDependOnTheBatch()
{
    SmallCnn model(3, 5);
    const at::Tensor batch = at::randn({4, 3, 32, 32});
    const at::Tensor runningMean = model.named_buffers()["features.1.running_mean"].clone();

    model.eval();
    torch::NoGradGuard noGrad;
    const at::Tensor alone = model.forward(batch.narrow(0, 0, 1));
    const at::Tensor together = model.forward(batch).narrow(0, 0, 1);
    QVERIFY(at::allclose(alone, together, 1e-5, 1e-5));
    QVERIFY(model.named_buffers()["features.1.running_mean"].equal(runningMean));

    // In training mode BatchNorm normalises by the batch's own statistics and updates its running ones.
    model.train();
    const at::Tensor trainAlone = model.forward(batch.narrow(0, 0, 2)).narrow(0, 0, 1);
    const at::Tensor trainTogether = model.forward(batch).narrow(0, 0, 1);
    QVERIFY(!at::allclose(trainAlone, trainTogether, 1e-5, 1e-5));
    QVERIFY(!model.named_buffers()["features.1.running_mean"].equal(runningMean));
}

QTEST_GUILESS_MAIN(TestSmallCnn)
#include "tst_small_cnn.moc"
