// Tests of ImagePreprocessor on real photographs: shape, colour order, crop geometry, flips, EXIF
// orientation, reduced decoding, and the broken-file cases.
#include "preprocess/image_preprocessor.h"

#include "test_images.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <xxhash.h>

#include <cmath>
#include <set>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::PreprocessOptions)

namespace {
using Color = PreprocessOptions::Color;
using Crop = PreprocessOptions::Crop;

PreprocessOptions makeOptions(int width, int height, Color color, Crop crop)
{
    PreprocessOptions options;
    options.width = width;
    options.height = height;
    options.color = color;
    options.crop = crop;
    return options;
}

QByteArray pixelBytes(const cv::Mat &image)
{
    return QByteArray(reinterpret_cast<const char *>(image.data), qsizetype(image.total() * image.elemSize()));
}

// Pure red in RGB order, allowing for JPEG and interpolation.
bool isRed(const cv::Mat &rgb, int x, int y)
{
    const cv::Vec3b p = rgb.at<cv::Vec3b>(y, x);
    return p[0] > 200 && p[1] < 60 && p[2] < 60;
}

QString describe(const cv::Mat &rgb, int x, int y)
{
    const cv::Vec3b p = rgb.at<cv::Vec3b>(y, x);
    return QStringLiteral("(%1, %2) is %3 %4 %5").arg(x).arg(y).arg(p[0]).arg(p[1]).arg(p[2]);
}
} // namespace

class TestImagePreprocessor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void shapeAndType_data();
    void shapeAndType();
    void colourOrder_data();
    void colourOrder();
    void centreCropGeometry_data();
    void centreCropGeometry();
    void randomResizedCropDeterminism();
    void randomResizedCropParameters_data();
    void randomResizedCropParameters();
    void randomResizedCropGeometry();
    void horizontalFlip();
    void exifOrientation_data();
    void exifOrientation();
    void exifOrientationOfFullPhoto();
    void reducedDecode_data();
    void reducedDecode();
    void destinationBuffer();
    void brokenFiles_data();
    void brokenFiles();
    void bytesEqualFile();

private:
    QTemporaryDir m_dir;
    QString m_photoPath; // a real photograph, 1680×1050
};

void TestImagePreprocessor::initTestCase()
{
    QVERIFY2(!TestImages::naturePhotos().isEmpty(),
             "the photographs come from Debian's mate-backgrounds package: apt-get install mate-backgrounds");
    QVERIFY(m_dir.isValid());
    m_photoPath = TestImages::photo("Dune.jpg");
}

void TestImagePreprocessor::shapeAndType_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<PreprocessOptions>("options");
    QTest::addColumn<QSize>("original");

    const QSize dune(1680, 1050);
    QTest::newRow("rgb centre 224") << m_photoPath << makeOptions(224, 224, Color::Rgb, Crop::Center) << dune;
    QTest::newRow("gray centre 224") << m_photoPath << makeOptions(224, 224, Color::Gray, Crop::Center) << dune;
    QTest::newRow("rgb random 224") << m_photoPath << makeOptions(224, 224, Color::Rgb, Crop::RandomResized) << dune;
    QTest::newRow("gray random 64x48") << m_photoPath << makeOptions(64, 48, Color::Gray, Crop::RandomResized) << dune;
    QTest::newRow("rgb centre 160x96") << m_photoPath << makeOptions(160, 96, Color::Rgb, Crop::Center) << dune;
    QTest::newRow("rgb centre 96x160") << m_photoPath << makeOptions(96, 160, Color::Rgb, Crop::Center) << dune;
    QTest::newRow("upscale 2048") << m_photoPath << makeOptions(2048, 2048, Color::Rgb, Crop::Center) << dune;
    QTest::newRow("progressive") << TestImages::photo("FreshFlower.jpg")
                                 << makeOptions(224, 224, Color::Rgb, Crop::Center) << QSize(1600, 1203);
    QTest::newRow("big-endian exif") << TestImages::photo("Wood.jpg")
                                     << makeOptions(224, 224, Color::Rgb, Crop::RandomResized) << QSize(2560, 1920);
    // Other formats, written from the photograph.
    const cv::Mat photo = TestImages::loadPhoto("Dune.jpg", 640);
    for (const char *extension : {".png", ".bmp", ".webp", ".tiff"}) {
        const QString path = m_dir.filePath(QStringLiteral("shape%1").arg(QLatin1String(extension)));
        QVERIFY(TestImages::writeFile(path, TestImages::encode(photo, extension)));
        QTest::addRow("%s rgb", extension)
            << path << makeOptions(224, 224, Color::Rgb, Crop::Center) << QSize(640, 400);
        QTest::addRow("%s gray", extension)
            << path << makeOptions(100, 50, Color::Gray, Crop::RandomResized) << QSize(640, 400);
    }
}

void TestImagePreprocessor::shapeAndType()
{
    QFETCH(QString, path);
    QFETCH(PreprocessOptions, options);
    QFETCH(QSize, original);

    const PreprocessResult result = ImagePreprocessor::preprocessFile(path, options, 7);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.image.cols, options.width);
    QCOMPARE(result.image.rows, options.height);
    QCOMPARE(result.image.type(), options.color == Color::Rgb ? CV_8UC3 : CV_8UC1);
    QVERIFY(result.image.isContinuous());
    QCOMPARE(qint64(result.image.total() * result.image.elemSize()), options.sampleBytes());
    QCOMPARE(result.originalSize, original);
    const QByteArray bytes = TestImages::readFile(path);
    QCOMPARE(result.contentId, quint64(XXH3_64bits(bytes.constData(), size_t(bytes.size()))));
    QVERIFY(result.readNs > 0 && result.decodeNs > 0 && result.transformNs > 0);
    QVERIFY(result.readStartNs < result.decodeStartNs && result.decodeStartNs < result.transformStartNs);
    // A real photo is not flat: the output carries its content.
    cv::Scalar mean, stddev;
    cv::meanStdDev(result.image, mean, stddev);
    QVERIFY2(stddev[0] > 5, "output looks blank");
}

void TestImagePreprocessor::colourOrder_data()
{
    QTest::addColumn<QString>("extension");
    for (const char *extension : {".png", ".jpg", ".bmp", ".webp", ".tiff"})
        QTest::newRow(extension) << QString::fromLatin1(extension);
}

void TestImagePreprocessor::colourOrder()
{
    // A photograph with pure red painted in its centre and pure blue in a corner (BGR in OpenCV).
    QFETCH(QString, extension);
    cv::Mat photo = TestImages::loadPhoto("LadyBird.jpg", 400); // 400×250
    TestImages::paintSquare(photo, 200, 125, 40, cv::Scalar(0, 0, 255));
    TestImages::paintSquare(photo, 100, 125, 20, cv::Scalar(255, 0, 0));
    const QString path = m_dir.filePath(QStringLiteral("colour") + extension);
    QVERIFY(TestImages::writeFile(path, TestImages::encode(photo, extension.toLatin1().constData())));

    const PreprocessResult rgb =
        ImagePreprocessor::preprocessFile(path, makeOptions(224, 224, Color::Rgb, Crop::Center), 1);
    QVERIFY2(rgb.ok(), qPrintable(rgb.error));
    const cv::Vec3b red = rgb.image.at<cv::Vec3b>(112, 112);
    QVERIFY2(red[0] > 230 && red[1] < 30 && red[2] < 30, qPrintable(describe(rgb.image, 112, 112)));
    // Blue centre maps to x = 112 - (200 - 100) × 224/250 ≈ 22.4.
    const cv::Vec3b blue = rgb.image.at<cv::Vec3b>(112, 22);
    QVERIFY2(blue[2] > 230 && blue[0] < 30 && blue[1] < 30, qPrintable(describe(rgb.image, 22, 112)));

    const PreprocessResult gray =
        ImagePreprocessor::preprocessFile(path, makeOptions(224, 224, Color::Gray, Crop::Center), 1);
    QVERIFY2(gray.ok(), qPrintable(gray.error));
    // Luma of pure red is 0.299 × 255 ≈ 76, of pure blue 0.114 × 255 ≈ 29.
    QVERIFY2(std::abs(int(gray.image.at<uchar>(112, 112)) - 76) <= 8,
             qPrintable(QString::number(gray.image.at<uchar>(112, 112))));
    QVERIFY2(std::abs(int(gray.image.at<uchar>(112, 22)) - 29) <= 8,
             qPrintable(QString::number(gray.image.at<uchar>(112, 22))));
}

void TestImagePreprocessor::centreCropGeometry_data()
{
    QTest::addColumn<QSize>("imageSize");
    QTest::addColumn<QPoint>("marker");
    QTest::addColumn<QSize>("out");
    QTest::addColumn<double>("resizeShorter");

    QTest::newRow("landscape") << QSize(400, 300) << QPoint(250, 150) << QSize(224, 224) << 0.0;
    QTest::newRow("landscape left") << QSize(400, 300) << QPoint(80, 40) << QSize(224, 224) << 0.0;
    QTest::newRow("portrait") << QSize(300, 400) << QPoint(100, 300) << QSize(224, 224) << 0.0;
    QTest::newRow("resize shorter 256") << QSize(400, 300) << QPoint(250, 200) << QSize(224, 224) << 256.0;
    QTest::newRow("wide output") << QSize(400, 300) << QPoint(50, 150) << QSize(200, 100) << 0.0;
    QTest::newRow("tall output") << QSize(400, 300) << QPoint(200, 30) << QSize(60, 120) << 0.0;
    QTest::newRow("upscale") << QSize(400, 300) << QPoint(300, 100) << QSize(512, 512) << 0.0;
}

void TestImagePreprocessor::centreCropGeometry()
{
    // torchvision's Resize(shorter) + CenterCrop, computed here independently: a marker pixel of a
    // real photo lands where that geometry says.
    QFETCH(QSize, imageSize);
    QFETCH(QPoint, marker);
    QFETCH(QSize, out);
    QFETCH(double, resizeShorter);

    cv::Mat photo;
    cv::resize(TestImages::loadPhoto("TwoWings.jpg", 640), photo, cv::Size(imageSize.width(), imageSize.height()), 0, 0,
               cv::INTER_AREA);
    TestImages::paintSquare(photo, marker.x(), marker.y(), 8, cv::Scalar(0, 0, 255));
    const QString path = m_dir.filePath(QStringLiteral("geometry.png"));
    QVERIFY(TestImages::writeFile(path, TestImages::encode(photo, ".png")));

    PreprocessOptions options = makeOptions(out.width(), out.height(), Color::Rgb, Crop::Center);
    options.resizeShorter = resizeShorter;
    const PreprocessResult result = ImagePreprocessor::preprocessFile(path, options, 0);
    QVERIFY2(result.ok(), qPrintable(result.error));

    const double shorter = resizeShorter > 0 ? resizeShorter : std::max(out.width(), out.height());
    const double scale = std::max({shorter / std::min(imageSize.width(), imageSize.height()),
                                   double(out.width()) / imageSize.width(), double(out.height()) / imageSize.height()});
    const double left = (imageSize.width() * scale - out.width()) / 2;
    const double top = (imageSize.height() * scale - out.height()) / 2;
    const int x = int(std::lround((marker.x() + 0.5) * scale - 0.5 - left));
    const int y = int(std::lround((marker.y() + 0.5) * scale - 0.5 - top));
    QVERIFY(x >= 0 && x < out.width() && y >= 0 && y < out.height());
    QVERIFY2(isRed(result.image, x, y), qPrintable(describe(result.image, x, y)));
    // Just outside the marker's scaled half size (8 × scale) there is photo again.
    const int outside = int(std::ceil(9 * scale)) + 2;
    const int probeX = x + outside < out.width() ? x + outside : x - outside;
    QVERIFY2(!isRed(result.image, probeX, y), qPrintable(describe(result.image, probeX, y)));
}

void TestImagePreprocessor::randomResizedCropDeterminism()
{
    const PreprocessOptions options = makeOptions(224, 224, Color::Rgb, Crop::RandomResized);
    const PreprocessResult first = ImagePreprocessor::preprocessFile(m_photoPath, options, 42);
    const PreprocessResult again = ImagePreprocessor::preprocessFile(m_photoPath, options, 42);
    QVERIFY(first.ok() && again.ok());
    QCOMPARE(pixelBytes(first.image), pixelBytes(again.image));

    std::set<QByteArray> distinct;
    for (quint64 seed = 0; seed < 10; ++seed) {
        const PreprocessResult result = ImagePreprocessor::preprocessFile(m_photoPath, options, seed);
        QVERIFY(result.ok());
        distinct.insert(pixelBytes(result.image));
    }
    QVERIFY2(distinct.size() >= 9, qPrintable(QString::number(distinct.size())));
}

void TestImagePreprocessor::randomResizedCropParameters_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("scaleMin");
    QTest::addColumn<double>("scaleMax");
    QTest::addColumn<double>("ratioMin");
    QTest::addColumn<double>("ratioMax");
    QTest::newRow("torchvision defaults") << QSize(1680, 1050) << 0.08 << 1.0 << 3.0 / 4 << 4.0 / 3;
    QTest::newRow("portrait") << QSize(1050, 1680) << 0.08 << 1.0 << 3.0 / 4 << 4.0 / 3;
    QTest::newRow("narrow scale") << QSize(640, 480) << 0.5 << 0.6 << 1.0 << 1.0;
}

void TestImagePreprocessor::randomResizedCropParameters()
{
    QFETCH(QSize, size);
    QFETCH(double, scaleMin);
    QFETCH(double, scaleMax);
    QFETCH(double, ratioMin);
    QFETCH(double, ratioMax);
    PreprocessOptions options = makeOptions(224, 224, Color::Rgb, Crop::RandomResized);
    options.scaleMin = scaleMin;
    options.scaleMax = scaleMax;
    options.ratioMin = ratioMin;
    options.ratioMax = ratioMax;
    double smallest = 1;
    double largest = 0;
    for (quint64 seed = 0; seed < 500; ++seed) {
        const CropPlan plan = ImagePreprocessor::planCrop(size, options, seed);
        const QRectF r = plan.region;
        QVERIFY(r.left() >= 0 && r.top() >= 0 && r.right() <= size.width() && r.bottom() <= size.height());
        const double area = r.width() * r.height() / (double(size.width()) * size.height());
        const double ratio = r.width() / r.height();
        // Sides are rounded to whole pixels, as torchvision does.
        QVERIFY2(area >= scaleMin * 0.98 && area <= scaleMax * 1.02, qPrintable(QString::number(area)));
        QVERIFY2(ratio >= ratioMin * 0.98 && ratio <= ratioMax * 1.02, qPrintable(QString::number(ratio)));
        smallest = std::min(smallest, area);
        largest = std::max(largest, area);
        const CropPlan again = ImagePreprocessor::planCrop(size, options, seed);
        QCOMPARE(again.region, plan.region);
    }
    // The draws cover the range (the largest areas only fit at some aspect ratios, as in torchvision).
    QVERIFY(smallest < scaleMin + (scaleMax - scaleMin) * 0.1);
    QVERIFY(largest > scaleMin + (scaleMax - scaleMin) * 0.7);
}

void TestImagePreprocessor::randomResizedCropGeometry()
{
    // The output is the planned region of the image, resized: compare with OpenCV doing exactly
    // that on the fully decoded image (a PNG, so no reduced decode is involved).
    const cv::Mat photo = TestImages::loadPhoto("GreenMeadow.jpg", 800);
    const QString path = m_dir.filePath(QStringLiteral("rrc.png"));
    QVERIFY(TestImages::writeFile(path, TestImages::encode(photo, ".png")));
    const PreprocessOptions options = makeOptions(128, 128, Color::Rgb, Crop::RandomResized);
    for (quint64 seed = 100; seed < 110; ++seed) {
        const CropPlan plan = ImagePreprocessor::planCrop(QSize(photo.cols, photo.rows), options, seed);
        const QRect r = plan.region.toRect();
        cv::Mat expected;
        const cv::Mat region = photo(cv::Rect(r.x(), r.y(), r.width(), r.height()));
        const bool strong = std::min(r.width(), r.height()) >= 2 * 128;
        cv::resize(region, expected, cv::Size(128, 128), 0, 0, strong ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::cvtColor(expected, expected, cv::COLOR_BGR2RGB);
        const PreprocessResult result = ImagePreprocessor::preprocessFile(path, options, seed);
        QVERIFY2(result.ok(), qPrintable(result.error));
        const double psnr = cv::PSNR(result.image, expected);
        QVERIFY2(psnr > 40, qPrintable(QStringLiteral("seed %1: PSNR %2 dB").arg(seed).arg(psnr)));
    }
}

void TestImagePreprocessor::horizontalFlip()
{
    PreprocessOptions options = makeOptions(224, 224, Color::Rgb, Crop::Center);
    options.horizontalFlip = true;
    const QSize size(1680, 1050);
    quint64 flipped = 0;
    quint64 straight = 0;
    int flips = 0;
    for (quint64 seed = 1; seed <= 400; ++seed) {
        if (ImagePreprocessor::planCrop(size, options, seed).flip) {
            ++flips;
            flipped = seed;
        } else {
            straight = seed;
        }
    }
    QVERIFY2(flips > 150 && flips < 250, qPrintable(QString::number(flips))); // p = 0.5
    const PreprocessResult a = ImagePreprocessor::preprocessFile(m_photoPath, options, flipped);
    const PreprocessResult b = ImagePreprocessor::preprocessFile(m_photoPath, options, straight);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(pixelBytes(a.image) != pixelBytes(b.image));
    cv::Mat mirrored;
    cv::flip(b.image, mirrored, 1);
    QCOMPARE(pixelBytes(a.image), pixelBytes(mirrored));
    options.horizontalFlip = false;
    QVERIFY(!ImagePreprocessor::planCrop(size, options, flipped).flip);
}

void TestImagePreprocessor::exifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QPoint>("marker"); // where the stored top-left marker is displayed
    // Stored image 320×200; marker centred at (30, 30).
    QTest::newRow("1 normal") << 1 << QPoint(30, 30);
    QTest::newRow("2 mirrored") << 2 << QPoint(289, 30);
    QTest::newRow("3 rotated 180") << 3 << QPoint(289, 169);
    QTest::newRow("4 upside-down mirror") << 4 << QPoint(30, 169);
    QTest::newRow("5 transposed") << 5 << QPoint(30, 30);
    QTest::newRow("6 rotated 90 clockwise") << 6 << QPoint(169, 30);
    QTest::newRow("7 transversed") << 7 << QPoint(169, 289);
    QTest::newRow("8 rotated 90 anticlockwise") << 8 << QPoint(30, 289);
}

void TestImagePreprocessor::exifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(QPoint, marker);

    cv::Mat photo = TestImages::loadPhoto("Dune.jpg", 320); // 320×200, not square
    TestImages::paintSquare(photo, 30, 30, 12, cv::Scalar(0, 0, 255));
    const QByteArray jpeg = TestImages::withExifOrientation(TestImages::encode(photo, ".jpg"), orientation);
    const bool turned = orientation >= 5;
    const QSize displayed = turned ? QSize(200, 320) : QSize(320, 200);

    // An uncropped decode: output size = displayed size, shorter side kept.
    PreprocessOptions options = makeOptions(displayed.width(), displayed.height(), Color::Rgb, Crop::Center);
    options.resizeShorter = 200;
    const PreprocessResult result = ImagePreprocessor::preprocessBytes(jpeg, options, 0);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.originalSize, displayed);
    QCOMPARE(result.image.cols, displayed.width());
    QCOMPARE(result.image.rows, displayed.height());
    QVERIFY2(isRed(result.image, marker.x(), marker.y()), qPrintable(describe(result.image, marker.x(), marker.y())));
    if (orientation != 1 && orientation != 5)
        QVERIFY2(!isRed(result.image, 30, 30), qPrintable(describe(result.image, 30, 30)));

    // OpenCV 4.6's own EXIF handling (imdecode without IMREAD_IGNORE_ORIENTATION) agrees.
    const cv::Mat raw(1, int(jpeg.size()), CV_8UC1, const_cast<char *>(jpeg.constData()));
    cv::Mat byOpenCv = cv::imdecode(raw, cv::IMREAD_COLOR);
    QCOMPARE(byOpenCv.cols, displayed.width());
    cv::cvtColor(byOpenCv, byOpenCv, cv::COLOR_BGR2RGB);
    QVERIFY(cv::PSNR(result.image, byOpenCv) > 50);
}

void TestImagePreprocessor::exifOrientationOfFullPhoto()
{
    // A full-size camera photo given orientation 6: the default 224 centre crop is the rotated
    // crop of the same photo without the tag, also through the reduced decode.
    const QByteArray original = TestImages::readFile(m_photoPath);
    QByteArray rotated = TestImages::withExifOrientation(original, 6);
    const PreprocessOptions options;
    const PreprocessResult upright = ImagePreprocessor::preprocessBytes(original, options, 0);
    const PreprocessResult turned = ImagePreprocessor::preprocessBytes(rotated, options, 0);
    QVERIFY(upright.ok() && turned.ok());
    QCOMPARE(turned.originalSize, QSize(1050, 1680));
    QCOMPARE(turned.reduction, 4);
    cv::Mat expected;
    cv::rotate(upright.image, expected, cv::ROTATE_90_CLOCKWISE);
    QVERIFY2(cv::PSNR(turned.image, expected) > 45, qPrintable(QString::number(cv::PSNR(turned.image, expected))));
}

void TestImagePreprocessor::reducedDecode_data()
{
    QTest::addColumn<QString>("photo");
    QTest::addColumn<PreprocessOptions>("options");
    QTest::addColumn<int>("reduction");
    QTest::newRow("2560x1600 224 rgb") << "YellowFlower.jpg" << makeOptions(224, 224, Color::Rgb, Crop::Center) << 4;
    QTest::newRow("2560x1600 224 gray") << "YellowFlower.jpg" << makeOptions(224, 224, Color::Gray, Crop::Center) << 4;
    QTest::newRow("2560x1600 128") << "LadyBird.jpg" << makeOptions(128, 128, Color::Rgb, Crop::Center) << 8;
    QTest::newRow("1680x1050 224") << "Dune.jpg" << makeOptions(224, 224, Color::Rgb, Crop::Center) << 4;
    QTest::newRow("1680x1050 512") << "Dune.jpg" << makeOptions(512, 512, Color::Rgb, Crop::Center) << 2;
    QTest::newRow("1280x1024 600") << "GreenMeadow.jpg" << makeOptions(600, 600, Color::Rgb, Crop::Center) << 1;
    QTest::newRow("progressive 224") << "FreshFlower.jpg" << makeOptions(224, 224, Color::Rgb, Crop::Center) << 4;
}

void TestImagePreprocessor::reducedDecode()
{
    // The probe picks the DCT scaling from the header; the result is nearly the full decode's.
    QFETCH(QString, photo);
    QFETCH(PreprocessOptions, options);
    QFETCH(int, reduction);
    const QString path = TestImages::photo(photo.toLatin1().constData());
    const PreprocessResult reduced = ImagePreprocessor::preprocessFile(path, options, 3);
    PreprocessOptions fullOptions = options;
    fullOptions.reducedDecode = false;
    const PreprocessResult full = ImagePreprocessor::preprocessFile(path, fullOptions, 3);
    QVERIFY2(reduced.ok(), qPrintable(reduced.error));
    QVERIFY2(full.ok(), qPrintable(full.error));
    QCOMPARE(reduced.reduction, reduction);
    QCOMPARE(full.reduction, 1);
    const double psnr = cv::PSNR(reduced.image, full.image);
    qInfo("%s: reduction %d, PSNR against full decode %.1f dB", qPrintable(photo), reduced.reduction, psnr);
    QVERIFY2(psnr > 30, qPrintable(QString::number(psnr)));
}

void TestImagePreprocessor::destinationBuffer()
{
    const PreprocessOptions options = makeOptions(96, 64, Color::Rgb, Crop::RandomResized);
    QByteArray buffer(options.sampleBytes(), '\0');
    auto *destination = reinterpret_cast<uchar *>(buffer.data());
    const PreprocessResult into = ImagePreprocessor::preprocessFile(m_photoPath, options, 5, destination);
    const PreprocessResult own = ImagePreprocessor::preprocessFile(m_photoPath, options, 5);
    QVERIFY(into.ok() && own.ok());
    QCOMPARE(into.image.data, destination);
    QVERIFY(own.image.data != destination);
    QCOMPARE(buffer, pixelBytes(own.image));
}

void TestImagePreprocessor::brokenFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<qint64>("maxFileBytes");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<QString>("error");

    const QDir dir(m_dir.path());
    const QByteArray photo = TestImages::readFile(m_photoPath);
    const QByteArray png = TestImages::encode(TestImages::loadPhoto("Dune.jpg", 640), ".png");
    auto file = [&](const char *name, const QByteArray &bytes) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        if (!TestImages::writeFile(path, bytes))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    };
    const qint64 kDefaultBytes = PreprocessOptions().maxFileBytes;
    const qint64 kDefaultPixels = PreprocessOptions().maxPixels;

    QTest::newRow("empty") << file("empty.jpg", {}) << kDefaultBytes << kDefaultPixels << "empty file";
    QTest::newRow("truncated jpeg") << file("truncated.jpg", photo.left(photo.size() / 2)) << kDefaultBytes
                                    << kDefaultPixels << "corrupt or truncated JPEG";
    QTest::newRow("truncated png") << file("truncated.png", png.left(png.size() / 2)) << kDefaultBytes << kDefaultPixels
                                   << "corrupt or truncated PNG";
    QTest::newRow("garbage named png") << file("garbage.png", QByteArray("This is a shopping list, not a picture."))
                                       << kDefaultBytes << kDefaultPixels << "not an image: a text file";
    QByteArray badHeader = png;
    badHeader[11] = 12;
    QTest::newRow("corrupt png header") << file("header.png", badHeader) << kDefaultBytes << kDefaultPixels
                                        << "corrupt PNG header";
    QTest::newRow("png bomb 50000x50000")
        << file("bomb.png", TestImages::pngHeaderOnly(50000, 50000)) << kDefaultBytes << kDefaultPixels
        << "image is 50000×50000 = 2500 Mpixel, over the 100 Mpixel limit";
    QTest::newRow("jpeg bomb 50000x50000")
        << file("bomb.jpg", TestImages::jpegClaimingSize(photo, 50000, 50000)) << kDefaultBytes << kDefaultPixels
        << "image is 50000×50000 = 2500 Mpixel, over the 100 Mpixel limit";
    // Under OpenCV's own limit (2^30 pixels): only the probe stands between it and an allocation.
    QTest::newRow("png 9000x9000, 50 Mpixel limit")
        << file("big.png", TestImages::pngHeaderOnly(9000, 9000)) << kDefaultBytes << qint64(50'000'000)
        << "image is 9000×9000 = 81 Mpixel, over the 50 Mpixel limit";
    QTest::newRow("photo over 100 KiB limit") << m_photoPath << qint64(100 * 1024) << kDefaultPixels
                                              << QStringLiteral("file is %1 KiB, over the 100 KiB limit")
                                                     .arg(QString::number(double(photo.size()) / 1024, 'f', 1));
    {
        // A sparse 300 MiB file: nothing is read, the size alone is refused.
        const QString path = dir.filePath(QStringLiteral("huge.jpg"));
        QFile huge(path);
        if (!huge.open(QIODevice::WriteOnly) || !huge.write(photo.left(64)) || !huge.resize(300LL << 20))
            qFatal("cannot make %s", qPrintable(path));
        QTest::newRow("300 MiB file") << path << kDefaultBytes << kDefaultPixels
                                      << "file is 300 MiB, over the 256 MiB limit";
    }
    QTest::newRow("missing") << dir.filePath(QStringLiteral("missing.jpg")) << kDefaultBytes << kDefaultPixels
                             << "unreadable: no such file or directory";
    QTest::newRow("directory") << m_dir.path() << kDefaultBytes << kDefaultPixels << "not a regular file";
}

void TestImagePreprocessor::brokenFiles()
{
    QFETCH(QString, path);
    QFETCH(qint64, maxFileBytes);
    QFETCH(qint64, maxPixels);
    QFETCH(QString, error);
    PreprocessOptions options;
    options.maxFileBytes = maxFileBytes;
    options.maxPixels = maxPixels;
    const PreprocessResult result = ImagePreprocessor::preprocessFile(path, options, 0);
    QVERIFY(!result.ok());
    QVERIFY(result.image.empty());
    QCOMPARE(result.error, error);
    if (error.startsWith(QLatin1String("image is ")))
        QVERIFY(result.originalSize.width() >= 9000); // the header's size is reported with the refusal
}

void TestImagePreprocessor::bytesEqualFile()
{
    const PreprocessOptions options = makeOptions(224, 224, Color::Rgb, Crop::RandomResized);
    const PreprocessResult fromFile = ImagePreprocessor::preprocessFile(m_photoPath, options, 11);
    const PreprocessResult fromBytes = tandem::preprocessBytes(TestImages::readFile(m_photoPath), options, 11);
    QVERIFY(fromFile.ok() && fromBytes.ok());
    QCOMPARE(fromBytes.contentId, fromFile.contentId);
    QCOMPARE(pixelBytes(fromBytes.image), pixelBytes(fromFile.image));
    const PreprocessResult empty = tandem::preprocessBytes(QByteArray(), options, 11);
    QCOMPARE(empty.error, QStringLiteral("empty file"));
}

QTEST_GUILESS_MAIN(TestImagePreprocessor)
#include "tst_image_preprocessor.moc"
