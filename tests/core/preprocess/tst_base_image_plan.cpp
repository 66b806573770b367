// Tests of BaseImagePlan: the base size covers every crop the augmentation draws (a property over seeds
// and source shapes), the DCT scale is the smallest that covers (a table), and the crop is today's.
#include "preprocess/base_image_plan.h"
#include "preprocess/image_preprocessor.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::PreprocessOptions)
Q_DECLARE_METATYPE(tandem::DctScale)

namespace {
using Color = PreprocessOptions::Color;
using Crop = PreprocessOptions::Crop;

PreprocessOptions makeOptions(int width, int height, Crop crop, bool flip = false, double resizeShorter = 0)
{
    PreprocessOptions options;
    options.width = width;
    options.height = height;
    options.crop = crop;
    options.horizontalFlip = flip;
    options.resizeShorter = resizeShorter;
    return options;
}

// libjpeg-turbo's M/8 scales up to 1/1, reduced as tjGetScalingFactors gives them.
const QVector<DctScale> kTurboScales = {{1, 8}, {1, 4}, {3, 8}, {1, 2}, {5, 8}, {3, 4}, {7, 8}, {1, 1}};
const QVector<DctScale> kOpenCvScales = {{1, 8}, {1, 4}, {1, 2}, {1, 1}};
} // namespace

class TestBaseImagePlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void baseCoversEveryCrop_data();
    void baseCoversEveryCrop();
    void baseSizeTable_data();
    void baseSizeTable();
    void dctScale_data();
    void dctScale();
    void paramsAreTodaysCrop();
};

void TestBaseImagePlan::baseCoversEveryCrop_data()
{
    QTest::addColumn<QSize>("source");
    QTest::addColumn<PreprocessOptions>("options");
    const QSize sources[] = {{4000, 3000}, {3000, 4000}, {1680, 1050}, {5000, 1000}, {1000, 5000},
                             {640, 480},   {300, 280},   {230, 230},   {200, 120},   {20000, 300}};
    const struct {
        const char *name;
        PreprocessOptions options;
    } settings[] = {
        {"224 random flip", makeOptions(224, 224, Crop::RandomResized, true)},
        {"224 centre", makeOptions(224, 224, Crop::Center)},
        {"224 centre shorter 320", makeOptions(224, 224, Crop::Center, false, 320)},
        {"64 random", makeOptions(64, 64, Crop::RandomResized)},
        {"112x224 random", makeOptions(112, 224, Crop::RandomResized, true)},
        {"300x100 centre", makeOptions(300, 100, Crop::Center)},
    };
    for (const QSize &source : sources) {
        for (const auto &setting : settings)
            QTest::addRow("%dx%d %s", source.width(), source.height(), setting.name) << source << setting.options;
    }
}

void TestBaseImagePlan::baseCoversEveryCrop()
{
    QFETCH(QSize, source);
    QFETCH(PreprocessOptions, options);
    const QSize base = BaseImagePlan::baseSize(source, options);
    QVERIFY(base.width() >= 1 && base.height() >= 1);
    // Never larger than the source, nor than the cap.
    QVERIFY(base.width() <= source.width() && base.height() <= source.height());
    QVERIFY(std::max(base.width(), base.height()) <= BaseImagePlan::kMaxBaseSide);
    // The aspect ratio is kept: each side is its exact scaled length rounded up.
    const double sx = double(base.width()) / source.width();
    const double sy = double(base.height()) / source.height();
    QVERIFY2(std::abs(sx - sy) < std::max(1.0 / source.width(), 1.0 / source.height()) + 1e-9,
             qPrintable(QStringLiteral("%1x%2").arg(base.width()).arg(base.height())));
    // The shorter side holds 1.15× the output (unless the source or the cap is smaller).
    const bool capped = std::max(source.width(), source.height()) * 1.15 * std::max(options.width, options.height) /
                            std::min(source.width(), source.height()) >
                        BaseImagePlan::kMaxBaseSide;
    const int wanted = int(std::ceil(BaseImagePlan::kCoverage * std::max(options.width, options.height)));
    if (base != source && !capped)
        QVERIFY2(std::min(base.width(), base.height()) >= wanted,
                 qPrintable(QStringLiteral("%1x%2 for %3").arg(base.width()).arg(base.height()).arg(wanted)));

    int flips = 0;
    constexpr int kSeeds = 300;
    for (quint64 seed = 0; seed < kSeeds; ++seed) {
        const AugmentParams params = BaseImagePlan::augmentParams(source, base, options, seed * 7919 + 3);
        const QRectF &box = params.box;
        flips += params.flip;
        // Every box lies inside the base image and is not empty.
        QVERIFY2(box.left() >= -1e-9 && box.top() >= -1e-9 && box.right() <= base.width() + 1e-9 &&
                     box.bottom() <= base.height() + 1e-9 && box.width() > 0 && box.height() > 0,
                 qPrintable(QStringLiteral("seed %1: box %2,%3 %4x%5 in %6x%7")
                                .arg(seed)
                                .arg(box.left())
                                .arg(box.top())
                                .arg(box.width())
                                .arg(box.height())
                                .arg(base.width())
                                .arg(base.height())));
        // A centre crop needs no upsampling from the base that today's path would not do from the source.
        if (options.crop == Crop::Center && base != source && !capped)
            QVERIFY2(box.width() >= options.width - 1e-6 && box.height() >= options.height - 1e-6,
                     qPrintable(QStringLiteral("%1x%2").arg(box.width()).arg(box.height())));
    }
    if (options.horizontalFlip)
        QVERIFY2(flips > kSeeds * 0.35 && flips < kSeeds * 0.65, qPrintable(QString::number(flips)));
    else
        QCOMPARE(flips, 0);
}

void TestBaseImagePlan::baseSizeTable_data()
{
    QTest::addColumn<QSize>("source");
    QTest::addColumn<PreprocessOptions>("options");
    QTest::addColumn<QSize>("base");
    const PreprocessOptions random224 = makeOptions(224, 224, Crop::RandomResized);
    QTest::newRow("landscape") << QSize(4000, 3000) << random224 << QSize(344, 258); // ceil(1.15 × 224) = 258
    QTest::newRow("portrait") << QSize(3000, 4000) << random224 << QSize(258, 344);
    QTest::newRow("mate photo") << QSize(1680, 1050) << random224 << QSize(413, 258);
    QTest::newRow("smaller than base") << QSize(250, 240) << random224 << QSize(250, 240);
    QTest::newRow("centre, shorter 320") << QSize(4000, 3000) << makeOptions(224, 224, Crop::Center, false, 320)
                                         << QSize(427, 320);
    QTest::newRow("panorama capped") << QSize(40000, 1000) << random224 << QSize(4096, 103);
    QTest::newRow("64 px") << QSize(1680, 1050) << makeOptions(64, 64, Crop::RandomResized) << QSize(119, 74);
}

void TestBaseImagePlan::baseSizeTable()
{
    QFETCH(QSize, source);
    QFETCH(PreprocessOptions, options);
    QFETCH(QSize, base);
    QCOMPARE(BaseImagePlan::baseSize(source, options), base);
}

void TestBaseImagePlan::dctScale_data()
{
    QTest::addColumn<QSize>("stored");
    QTest::addColumn<QSize>("needed");
    QTest::addColumn<QVector<DctScale>>("available");
    QTest::addColumn<DctScale>("scale");
    QTest::newRow("12 Mpixel to 224's base: 1/8")
        << QSize(4000, 3000) << QSize(344, 258) << kTurboScales << DctScale{1, 8};
    QTest::newRow("mate photo: 1/4") << QSize(1680, 1050) << QSize(413, 258) << kTurboScales << DctScale{1, 4};
    QTest::newRow("1000x750: 3/8") << QSize(1000, 750) << QSize(344, 258) << kTurboScales << DctScale{3, 8};
    QTest::newRow("1000x750, OpenCV's scales: 1/2")
        << QSize(1000, 750) << QSize(344, 258) << kOpenCvScales << DctScale{1, 2};
    QTest::newRow("rounded up: 1001x751 covers 376x282 at 3/8")
        << QSize(1001, 751) << QSize(376, 282) << kTurboScales << DctScale{3, 8};
    QTest::newRow("one pixel more: 1/2") << QSize(1001, 751) << QSize(376, 283) << kTurboScales << DctScale{1, 2};
    QTest::newRow("600x400: 3/4") << QSize(600, 400) << QSize(388, 258) << kTurboScales << DctScale{3, 4};
    QTest::newRow("600x400 portrait needs: 7/8")
        << QSize(600, 400) << QSize(520, 340) << kTurboScales << DctScale{7, 8};
    QTest::newRow("as large as the source: 1/1")
        << QSize(300, 260) << QSize(300, 260) << kTurboScales << DctScale{1, 1};
    QTest::newRow("upscales ignored") << QSize(300, 260) << QSize(300, 260) << QVector<DctScale>{{2, 1}, {3, 2}, {1, 1}}
                                      << DctScale{1, 1};
    QTest::newRow("none given: 1/1") << QSize(4000, 3000) << QSize(10, 10) << QVector<DctScale>{} << DctScale{1, 1};
}

void TestBaseImagePlan::dctScale()
{
    QFETCH(QSize, stored);
    QFETCH(QSize, needed);
    QFETCH(QVector<DctScale>, available);
    QFETCH(DctScale, scale);
    const DctScale picked = BaseImagePlan::dctScale(stored, needed, available);
    QVERIFY2(picked == scale, qPrintable(QStringLiteral("%1/%2").arg(picked.num).arg(picked.denom)));
    QVERIFY(picked.scaled(stored.width()) >= needed.width() || picked == (DctScale{1, 1}));
    QVERIFY(picked.scaled(stored.height()) >= needed.height() || picked == (DctScale{1, 1}));
    // No smaller available scale covers.
    for (const DctScale &other : available) {
        if (qint64(other.num) * picked.denom < qint64(picked.num) * other.denom)
            QVERIFY(other.scaled(stored.width()) < needed.width() || other.scaled(stored.height()) < needed.height());
    }
}

void TestBaseImagePlan::paramsAreTodaysCrop()
{
    // The same seeded draw as ImagePreprocessor::planCrop, only rescaled into base pixels.
    const QSize source(1680, 1050);
    const PreprocessOptions options = makeOptions(224, 224, Crop::RandomResized, true);
    const QSize base = BaseImagePlan::baseSize(source, options);
    for (quint64 seed : {0ULL, 1ULL, 42ULL, 0xDEADBEEFULL}) {
        const CropPlan plan = ImagePreprocessor::planCrop(source, options, seed);
        const AugmentParams params = BaseImagePlan::augmentParams(source, base, options, seed);
        QCOMPARE(params.flip, plan.flip);
        const double s = double(base.width()) / source.width();
        QVERIFY(std::abs(params.box.left() - plan.region.left() * s) < 1e-9);
        QVERIFY(std::abs(params.box.width() - plan.region.width() * s) < 1e-9);
        QVERIFY(std::abs(params.box.height() - plan.region.height() * double(base.height()) / source.height()) < 1e-9);
        QVERIFY(params == BaseImagePlan::augmentParams(source, base, options, seed));
    }
    QVERIFY(!(BaseImagePlan::augmentParams(source, base, options, 1) ==
              BaseImagePlan::augmentParams(source, base, options, 2)));
}

QTEST_GUILESS_MAIN(TestBaseImagePlan)
#include "tst_base_image_plan.moc"
