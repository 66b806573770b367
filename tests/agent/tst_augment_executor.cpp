// Agreement of the agent's crop (AugmentExecutor, libtorch on the CPU here) with the client's
// (BaseImageCropper, OpenCV) on real photographs (Debian's mate-backgrounds) made into base images by the
// client's BaseImageBuilder: the crops RandomResizedCrop draws (BaseImagePlan::augmentParams) plus random
// boxes that shrink by 2× or more (the INTER_AREA path) or enlarge, with and without the flip, all in
// batches of base images of differing sizes. Each crop's mean absolute difference must be ≤ 2 of 255.
#include "augment_executor.h"

#include "preprocess/base_image_builder.h"
#include "preprocess/base_image_cropper.h"
#include "preprocess/base_image_plan.h"
#include "test_images.h"

#include <ATen/ATen.h>

#include <QRandomGenerator>
#include <QTest>

#include <opencv2/core.hpp>

#include <vector>

using namespace tandem;
using tandem::agent::AugmentExecutor;

namespace {

struct Base {
    cv::Mat image; // RGB or gray, continuous
    QSize original;
};

PreprocessOptions options(int side, PreprocessOptions::Color color)
{
    PreprocessOptions o;
    o.width = side;
    o.height = side;
    o.color = color;
    o.crop = PreprocessOptions::Crop::RandomResized;
    o.horizontalFlip = true;
    return o;
}

at::Tensor asTensor(const cv::Mat &image)
{
    return at::from_blob(image.data, {image.rows, image.cols, image.channels()}, at::kByte).clone();
}

// Mean absolute difference of two H×W×C uint8 images, one as a cv::Mat, one as an HWC tensor.
double meanAbsDiff(const cv::Mat &expected, const at::Tensor &actual)
{
    const at::Tensor e = asTensor(expected).to(at::kInt);
    return (e - actual.to(at::kInt)).abs().to(at::kDouble).mean().item<double>();
}

} // namespace

class TestAugmentExecutor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreesWithBaseImageCropper_data();
    void agreesWithBaseImageCropper();
    void areaWeightsAverageWholePixels();
    void flipMirrorsTheOutput();
    void refusesMismatchedBatches();
    void wrapsDecodedPixelsWithoutCopy();
    void deviceCacheIsBoundedLru();
};

void TestAugmentExecutor::initTestCase()
{
    if (TestImages::naturePhotos().size() < 4)
        QSKIP("install mate-backgrounds");
}

void TestAugmentExecutor::agreesWithBaseImageCropper_data()
{
    QTest::addColumn<int>("side");
    QTest::addColumn<bool>("gray");
    QTest::newRow("RGB 224") << 224 << false;
    QTest::newRow("RGB 96") << 96 << false;
    QTest::newRow("gray 64") << 64 << true;
}

void TestAugmentExecutor::agreesWithBaseImageCropper()
{
    QFETCH(int, side);
    QFETCH(bool, gray);
    const auto color = gray ? PreprocessOptions::Color::Gray : PreprocessOptions::Color::Rgb;
    const PreprocessOptions o = options(side, color);
    // Base images made for 2.5× the output side, so that crops of them shrink by 2× or more (INTER_AREA)
    // as well as by less or enlarge (bilinear): a base made for the output itself is only 1.15× it.
    const PreprocessOptions baseOptions = options(side * 5 / 2, color);
    std::vector<Base> bases;
    for (const QString &path : TestImages::naturePhotos()) {
        BaseImageResult result = BaseImageBuilder::build(TestImages::readFile(path), baseOptions);
        QVERIFY2(result.ok(), qPrintable(path + QStringLiteral(": ") + result.error));
        bases.push_back({result.image, result.originalSize});
    }

    QRandomGenerator random(20261202);
    std::vector<at::Tensor> images;
    QVector<AugmentParams> params;
    std::vector<cv::Mat> expected;
    int areaCount = 0;
    int flipCount = 0;
    for (int round = 0; round < 4; ++round) {
        for (const Base &base : bases) {
            const QSize size(base.image.cols, base.image.rows);
            AugmentParams p;
            if (round < 2) {
                p = BaseImagePlan::augmentParams(base.original, size, baseOptions, random.generate64());
            } else {
                // A random box: round 2 shrinks by ≥ 2× where the base allows it, round 3 anything.
                const double minSide =
                    round == 2 ? std::min(2.2 * side, 0.9 * std::min(size.width(), size.height())) : 0.2 * side;
                const double w = minSide + random.bounded(1.0) * (size.width() - minSide);
                const double h = std::clamp(w * (0.75 + 0.5 * random.bounded(1.0)), minSide, double(size.height()));
                p.box =
                    QRectF(random.bounded(1.0) * (size.width() - w), random.bounded(1.0) * (size.height() - h), w, h);
                p.flip = random.bounded(2) == 1;
            }
            areaCount += AugmentExecutor::usesArea(p, side, side) ? 1 : 0;
            flipCount += p.flip ? 1 : 0;
            images.push_back(asTensor(base.image));
            params.push_back(p);
            expected.push_back(BaseImageCropper::apply(base.image, p, o));
        }
    }
    QVERIFY2(areaCount >= 4 && areaCount < params.size(), qPrintable(QString::number(areaCount)));
    QVERIFY(flipCount >= 4 && flipCount < params.size());

    const at::Tensor out = AugmentExecutor::apply(images, params, side, side, c10::Device(c10::kCPU));
    QCOMPARE(out.dim(), 4);
    QCOMPARE(out.size(0), int64_t(params.size()));
    QCOMPARE(out.size(1), int64_t(gray ? 1 : 3));
    QCOMPARE(out.size(2), int64_t(side));
    QCOMPARE(out.size(3), int64_t(side));
    const at::Tensor pixels = AugmentExecutor::toUint8Nhwc(out);
    double worst = 0;
    double sum = 0;
    double worstArea = 0;
    for (int i = 0; i < params.size(); ++i) {
        const double mad = meanAbsDiff(expected[size_t(i)], pixels[i]);
        QVERIFY2(mad <= 2.0, qPrintable(QStringLiteral("crop %1 (box %2,%3 %4×%5 of %6×%7, flip %8): MAD %9")
                                            .arg(i)
                                            .arg(params[i].box.left())
                                            .arg(params[i].box.top())
                                            .arg(params[i].box.width())
                                            .arg(params[i].box.height())
                                            .arg(images[size_t(i)].size(1))
                                            .arg(images[size_t(i)].size(0))
                                            .arg(params[i].flip)
                                            .arg(mad)));
        worst = std::max(worst, mad);
        sum += mad;
        if (AugmentExecutor::usesArea(params[i], side, side))
            worstArea = std::max(worstArea, mad);
    }
    qInfo("%d crops (%d area, %d flipped): MAD mean %.3f, worst %.3f (area path worst %.3f) of 255", int(params.size()),
          areaCount, flipCount, sum / params.size(), worst, worstArea);
}

void TestAugmentExecutor::areaWeightsAverageWholePixels()
{
    // 8 base pixels into 4 outputs (2×): each output is the mean of two; 6 into 4 (1.5×, bilinear) rows sum to 1.
    const at::Tensor area = AugmentExecutor::axisWeights(0, 8, 4, 8, 10, true, false);
    QCOMPARE(area.size(0), int64_t(4));
    QCOMPARE(area.size(1), int64_t(10));
    for (int i = 0; i < 4; ++i)
        for (int s = 0; s < 10; ++s)
            QCOMPARE(area[i][s].item<float>(), (s / 2 == i && s < 8) ? 0.5F : 0.0F);
    const at::Tensor bilinear = AugmentExecutor::axisWeights(1, 6, 4, 8, 8, false, false);
    const at::Tensor sums = bilinear.sum(1);
    QVERIFY(at::allclose(sums, at::ones({4})));
    QCOMPARE(bilinear.narrow(1, 7, 1).sum().item<float>(), 0.0F); // nothing right of the box's pixels
}

void TestAugmentExecutor::flipMirrorsTheOutput()
{
    const at::Tensor image = at::arange(0, 5 * 7 * 3, at::kInt).remainder(251).to(at::kByte).reshape({5, 7, 3});
    const AugmentParams straight{QRectF(0, 0, 7, 5), false};
    const AugmentParams mirrored{QRectF(0, 0, 7, 5), true};
    const at::Tensor out = AugmentExecutor::apply({image, image}, {straight, mirrored}, 7, 5, c10::Device(c10::kCPU));
    QVERIFY(at::allclose(out[0], image.permute({2, 0, 1}).to(at::kFloat), 1e-4, 1e-3)); // identity box
    QVERIFY(at::allclose(out[1], out[0].flip({2}), 1e-4, 1e-3));
}

void TestAugmentExecutor::refusesMismatchedBatches()
{
    const at::Tensor rgb = at::zeros({4, 4, 3}, at::kByte);
    const at::Tensor gray = at::zeros({4, 4, 1}, at::kByte);
    const AugmentParams p{QRectF(0, 0, 4, 4), false};
    const c10::Device cpu(c10::kCPU);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)AugmentExecutor::apply({rgb, gray}, {p, p}, 2, 2, cpu));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)AugmentExecutor::apply({rgb}, {p, p}, 2, 2, cpu));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)AugmentExecutor::apply({rgb.to(at::kFloat)}, {p}, 2, 2, cpu));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)AugmentExecutor::apply({}, {}, 2, 2, cpu));
}

void TestAugmentExecutor::wrapsDecodedPixelsWithoutCopy()
{
    DecodedImage decoded;
    decoded.width = 3;
    decoded.height = 2;
    decoded.channels = 1;
    decoded.pixels = QByteArray("\x01\x02\x03\x04\x05\x06", 6);
    const at::Tensor t = AugmentExecutor::hwcTensor(decoded);
    QCOMPARE(t.size(0), int64_t(2));
    QCOMPARE(t.size(1), int64_t(3));
    QCOMPARE(t[1][2][0].item<int>(), 6);
    QCOMPARE(static_cast<const void *>(t.data_ptr()), static_cast<const void *>(decoded.pixels.constData()));
}

void TestAugmentExecutor::deviceCacheIsBoundedLru()
{
    // Room for two 100 × 100 × 3 images (30000 bytes each), not three.
    tandem::agent::DeviceImageCache cache(70000);
    const auto image = [](int value) { return at::full({100, 100, 3}, value, at::kByte); };
    QVERIFY(cache.insert({1, 9}, image(1)));
    QVERIFY(cache.insert({2, 9}, image(2)));
    QVERIFY(cache.find({1, 9})); // 2 is now the least recent
    QVERIFY(cache.insert({3, 9}, image(3)));
    QCOMPARE(cache.entries(), qint64(2));
    QCOMPARE(cache.bytes(), qint64(60000));
    QCOMPARE(cache.evictions(), quint64(1));
    QVERIFY(!cache.find({2, 9}));
    QVERIFY(!cache.find({1, 8})); // another fingerprint
    const std::optional<at::Tensor> three = cache.find({3, 9});
    QVERIFY(three);
    QCOMPARE(three->flatten()[0].item<int>(), 3);
    QVERIFY(!cache.insert({4, 9}, at::zeros({200, 200, 3}, at::kByte))); // larger than the budget
    QCOMPARE(cache.entries(), qint64(2));
    cache.clear();
    QCOMPARE(cache.bytes(), qint64(0));
}

QTEST_GUILESS_MAIN(TestAugmentExecutor)
#include "tst_augment_executor.moc"
