// Tests of BaseImageBuilder and BaseImageCropper on real photographs: the base image's size, colour and
// DCT scale, EXIF orientation through the DCT-scaled decode, broken files, and base + crop against
// today's full path (ImagePreprocessor).
#include "preprocess/base_image_builder.h"
#include "preprocess/base_image_cropper.h"
#include "preprocess/image_preprocessor.h"

#include "test_images.h"

#include <QFileInfo>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::PreprocessOptions)

namespace {
using Color = PreprocessOptions::Color;
using Crop = PreprocessOptions::Crop;

PreprocessOptions makeOptions(int width, int height, Color color, Crop crop, bool flip = false)
{
    PreprocessOptions options;
    options.width = width;
    options.height = height;
    options.color = color;
    options.crop = crop;
    options.horizontalFlip = flip;
    return options;
}

bool isRed(const cv::Mat &rgb, int x, int y)
{
    const cv::Vec3b p = rgb.at<cv::Vec3b>(y, x);
    return p[0] > 200 && p[1] < 60 && p[2] < 60;
}

double meanAbsDifference(const cv::Mat &a, const cv::Mat &b)
{
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    const cv::Scalar sum = cv::sum(diff);
    return (sum[0] + sum[1] + sum[2] + sum[3]) / (double(a.total()) * a.channels());
}

// Base image, then the seed's crop and flip: the two halves as a session will run them.
cv::Mat baseThenCrop(const QByteArray &bytes, const PreprocessOptions &options, quint64 seed)
{
    const BaseImageResult base = BaseImageBuilder::build(bytes, options);
    if (!base.ok())
        return {};
    const AugmentParams params =
        BaseImagePlan::augmentParams(base.originalSize, QSize(base.image.cols, base.image.rows), options, seed);
    return BaseImageCropper::apply(base.image, params, options);
}
} // namespace

class TestBaseImageBuilder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dctScalesOfThisLibjpegTurbo();
    void photos();
    void exifOrientation_data();
    void exifOrientation();
    void exifOrientationOfFullPhoto();
    void matchesFullPath_data();
    void matchesFullPath();
    void cropperWritesDestination();
    void brokenFiles_data();
    void brokenFiles();
};

void TestBaseImageBuilder::initTestCase()
{
    if (TestImages::naturePhotos().isEmpty())
        QFAIL("no photographs in /usr/share/backgrounds/mate/nature: install mate-backgrounds");
}

void TestBaseImageBuilder::dctScalesOfThisLibjpegTurbo()
{
    const QVector<DctScale> &scales = BaseImageBuilder::dctScales();
    for (int m = 1; m <= 8; ++m)
        QVERIFY2(scales.contains(DctScale{m, 8}), qPrintable(QStringLiteral("%1/8 missing").arg(m)));
    for (const DctScale &scale : scales)
        QVERIFY(scale.num <= scale.denom);
    const QVector<DctScale> powersOfTwo = {{1, 8}, {1, 4}, {1, 2}, {1, 1}};
    QCOMPARE(BaseImageBuilder::defaultDctScales().size(), powersOfTwo.size());
    for (const DctScale &scale : powersOfTwo)
        QVERIFY(BaseImageBuilder::defaultDctScales().contains(scale));
}

void TestBaseImageBuilder::photos()
{
    // Every photograph of the set: the base size of the plan, RGB order, the DCT scale of the plan.
    const PreprocessOptions options = makeOptions(224, 224, Color::Rgb, Crop::RandomResized, true);
    QStringList scalesSeen;
    for (const QString &path : TestImages::naturePhotos()) {
        const QByteArray bytes = TestImages::readFile(path);
        const BaseImageResult base = BaseImageBuilder::build(bytes, options);
        QVERIFY2(base.ok(), qPrintable(path + ": " + base.error));
        QCOMPARE(QSize(base.image.cols, base.image.rows), BaseImagePlan::baseSize(base.originalSize, options));
        QCOMPARE(base.image.type(), CV_8UC3);
        QVERIFY(base.image.isContinuous());
        QCOMPARE(base.contentId, ImagePreprocessor::contentId(bytes));
        const ImageHeader header = ImageProbe::probe(bytes);
        const QSize stored(header.width, header.height);
        const QSize baseSize(base.image.cols, base.image.rows);
        const QSize storedBase = header.transposed() ? baseSize.transposed() : baseSize;
        const DctScale planned = BaseImagePlan::dctScale(stored, storedBase, BaseImageBuilder::defaultDctScales());
        QVERIFY(base.dctScale == planned);
        scalesSeen << QStringLiteral("%1/%2").arg(base.dctScale.num).arg(base.dctScale.denom);

        // The colour order is RGB: the base agrees with OpenCV's own (BGR) decode, resized alike.
        cv::Mat reference = cv::imread(path.toStdString(), cv::IMREAD_COLOR);
        cv::resize(reference, reference, base.image.size(), 0, 0, cv::INTER_AREA);
        cv::cvtColor(reference, reference, cv::COLOR_BGR2RGB);
        QVERIFY2(meanAbsDifference(reference, base.image) < 4.0,
                 qPrintable(path + ": " + QString::number(meanAbsDifference(reference, base.image))));
    }
    scalesSeen.removeDuplicates();
    qInfo("DCT scales used: %s", qPrintable(scalesSeen.join(QStringLiteral(", "))));
}

void TestBaseImageBuilder::exifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QPoint>("marker");  // where the stored top-left marker is displayed
    QTest::addColumn<bool>("allScales"); // every M/8 scale, or the default powers of two
    // Stored image 320×200; marker centred at (30, 30). The same table as tst_image_preprocessor's.
    const struct {
        const char *name;
        int orientation;
        QPoint marker;
    } rows[] = {{"1 normal", 1, {30, 30}},        {"2 mirrored", 2, {289, 30}},
                {"3 rotated 180", 3, {289, 169}}, {"4 upside-down mirror", 4, {30, 169}},
                {"5 transposed", 5, {30, 30}},    {"6 rotated 90 clockwise", 6, {169, 30}},
                {"7 transversed", 7, {169, 289}}, {"8 rotated 90 anticlockwise", 8, {30, 289}}};
    for (const auto &row : rows) {
        for (const bool all : {false, true})
            QTest::addRow("%s, %s", row.name, all ? "M/8" : "powers of two") << row.orientation << row.marker << all;
    }
}

void TestBaseImageBuilder::exifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(QPoint, marker);
    cv::Mat photo = TestImages::loadPhoto("Dune.jpg", 320); // 320×200, not square
    TestImages::paintSquare(photo, 30, 30, 12, cv::Scalar(0, 0, 255));
    const QByteArray jpeg = TestImages::withExifOrientation(TestImages::encode(photo, ".jpg"), orientation);
    const QSize displayed = orientation >= 5 ? QSize(200, 320) : QSize(320, 200);

    // A 96 px training size: the base (shorter side 111) comes from a 5/8 DCT-scaled decode among all
    // M/8 scales, from a full decode among the default powers of two.
    const PreprocessOptions options = makeOptions(96, 96, Color::Rgb, Crop::Center);
    QFETCH(bool, allScales);
    const BaseImageResult base = BaseImageBuilder::build(
        jpeg, options, allScales ? BaseImageBuilder::dctScales() : BaseImageBuilder::defaultDctScales());
    QVERIFY2(base.ok(), qPrintable(base.error));
    QCOMPARE(base.originalSize, displayed);
    QVERIFY(base.dctScale == (allScales ? DctScale{5, 8} : DctScale{1, 1}));
    const double s = double(base.image.cols) / displayed.width();
    QCOMPARE(QSize(base.image.cols, base.image.rows), BaseImagePlan::baseSize(displayed, options));
    const int mx = int(marker.x() * s);
    const int my = int(marker.y() * s);
    QVERIFY2(isRed(base.image, mx, my), qPrintable(QStringLiteral("marker not at (%1, %2)").arg(mx).arg(my)));
    if (orientation != 1 && orientation != 5)
        QVERIFY(!isRed(base.image, int(30 * s), int(30 * s)));

    // The base path's crop agrees with today's full path on the oriented photo.
    const PreprocessResult today = ImagePreprocessor::preprocessBytes(jpeg, options, 0);
    QVERIFY2(today.ok(), qPrintable(today.error));
    const AugmentParams params =
        BaseImagePlan::augmentParams(base.originalSize, QSize(base.image.cols, base.image.rows), options, 0);
    const cv::Mat cropped = BaseImageCropper::apply(base.image, params, options);
    QVERIFY2(meanAbsDifference(cropped, today.image) < 3.0,
             qPrintable(QString::number(meanAbsDifference(cropped, today.image))));
}

void TestBaseImageBuilder::exifOrientationOfFullPhoto()
{
    // A full-size camera photo given orientation 6: its base is the rotated base of the untagged photo,
    // bit for bit (the same 1/4 DCT decode and resize in stored orientation, then the rotation).
    const QByteArray original = TestImages::readFile(TestImages::photo("Dune.jpg"));
    const QByteArray rotated = TestImages::withExifOrientation(original, 6);
    const PreprocessOptions options;
    const BaseImageResult upright = BaseImageBuilder::build(original, options);
    const BaseImageResult turned = BaseImageBuilder::build(rotated, options);
    QVERIFY(upright.ok() && turned.ok());
    QCOMPARE(turned.originalSize, QSize(1050, 1680));
    QCOMPARE(QSize(turned.image.cols, turned.image.rows), QSize(258, 413));
    QVERIFY(turned.dctScale == (DctScale{1, 4}));
    cv::Mat expected;
    cv::rotate(upright.image, expected, cv::ROTATE_90_CLOCKWISE);
    QCOMPARE(cv::norm(turned.image, expected, cv::NORM_INF), 0.0);
}

void TestBaseImageBuilder::matchesFullPath_data()
{
    QTest::addColumn<PreprocessOptions>("options");
    QTest::addColumn<double>("meanBound"); // over all photos and seeds
    QTest::addColumn<double>("maxBound");  // of any one image
    QTest::newRow("224 centre") << makeOptions(224, 224, Color::Rgb, Crop::Center) << 1.5 << 3.0;
    QTest::newRow("224 random flip") << makeOptions(224, 224, Color::Rgb, Crop::RandomResized, true) << 4.0 << 9.0;
    QTest::newRow("64 gray random") << makeOptions(64, 64, Color::Gray, Crop::RandomResized, true) << 4.0 << 9.0;
    QTest::newRow("112x160 random") << makeOptions(112, 160, Color::Rgb, Crop::RandomResized) << 4.0 << 9.0;
}

void TestBaseImageBuilder::matchesFullPath()
{
    // The new base + crop output against today's full path, on real photos and several seeds.
    QFETCH(PreprocessOptions, options);
    QFETCH(double, meanBound);
    QFETCH(double, maxBound);
    double sum = 0;
    double worst = 0;
    QString worstName;
    int count = 0;
    const QStringList photos = TestImages::naturePhotos();
    for (int i = 0; i < std::min<int>(int(photos.size()), 10); ++i) {
        const QByteArray bytes = TestImages::readFile(photos[i]);
        for (quint64 seed = 1; seed <= 6; ++seed) {
            const PreprocessResult today = ImagePreprocessor::preprocessBytes(bytes, options, seed);
            QVERIFY2(today.ok(), qPrintable(today.error));
            const cv::Mat cropped = baseThenCrop(bytes, options, seed);
            QCOMPARE(cropped.size(), today.image.size());
            QCOMPARE(cropped.type(), today.image.type());
            const double difference = meanAbsDifference(cropped, today.image);
            sum += difference;
            ++count;
            if (difference > worst) {
                worst = difference;
                worstName = QStringLiteral("%1 seed %2").arg(QFileInfo(photos[i]).fileName()).arg(seed);
            }
        }
    }
    const double mean = sum / count;
    qInfo("mean abs difference %.2f levels over %d crops, worst %.2f (%s)", mean, count, worst, qPrintable(worstName));
    QVERIFY2(mean < meanBound, qPrintable(QString::number(mean)));
    QVERIFY2(worst < maxBound, qPrintable(QString::number(worst)));
}

void TestBaseImageBuilder::cropperWritesDestination()
{
    const PreprocessOptions options = makeOptions(64, 48, Color::Rgb, Crop::RandomResized, true);
    const QByteArray bytes = TestImages::readFile(TestImages::photo("Garden.jpg"));
    const BaseImageResult base = BaseImageBuilder::build(bytes, options);
    QVERIFY(base.ok());
    QByteArray buffer(int(options.sampleBytes()), '\0');
    for (quint64 seed = 0; seed < 8; ++seed) {
        const AugmentParams params =
            BaseImagePlan::augmentParams(base.originalSize, QSize(base.image.cols, base.image.rows), options, seed);
        const cv::Mat into =
            BaseImageCropper::apply(base.image, params, options, reinterpret_cast<uchar *>(buffer.data()));
        QCOMPARE(static_cast<void *>(into.data), static_cast<void *>(buffer.data()));
        const cv::Mat owned = BaseImageCropper::apply(base.image, params, options);
        QCOMPARE(cv::norm(into, owned, cv::NORM_INF), 0.0);
        // The flip mirrors the unflipped crop exactly.
        AugmentParams unflipped = params;
        unflipped.flip = !params.flip;
        cv::Mat mirrored;
        cv::flip(BaseImageCropper::apply(base.image, unflipped, options), mirrored, 1);
        QCOMPARE(cv::norm(owned, mirrored, cv::NORM_INF), 0.0);
    }
}

void TestBaseImageBuilder::brokenFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    const QByteArray photo = TestImages::readFile(TestImages::photo("Dune.jpg"));
    const QByteArray png = TestImages::encode(TestImages::loadPhoto("Dune.jpg", 640), ".png");
    QTest::newRow("empty") << QByteArray() << "empty file";
    QTest::newRow("truncated jpeg") << photo.left(photo.size() / 2) << "corrupt or truncated JPEG";
    QTest::newRow("truncated png") << png.left(png.size() / 2) << "corrupt or truncated PNG";
    QTest::newRow("garbage") << QByteArray("This is a shopping list, not a picture.") << "not an image: a text file";
    QTest::newRow("jpeg bomb 50000x50000") << TestImages::jpegClaimingSize(photo, 50000, 50000)
                                           << "image is 50000×50000 = 2500 Mpixel, over the 100 Mpixel limit";
    QTest::newRow("png bomb") << TestImages::pngHeaderOnly(50000, 50000)
                              << "image is 50000×50000 = 2500 Mpixel, over the 100 Mpixel limit";
}

void TestBaseImageBuilder::brokenFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    const PreprocessOptions options;
    const BaseImageResult result = BaseImageBuilder::build(bytes, options);
    QVERIFY(!result.ok());
    QVERIFY(result.image.empty());
    QCOMPARE(result.error, error);
    // Today's path says the same.
    QCOMPARE(ImagePreprocessor::preprocessBytes(bytes, options, 0).error, error);
}

QTEST_GUILESS_MAIN(TestBaseImageBuilder)
#include "tst_base_image_builder.moc"
