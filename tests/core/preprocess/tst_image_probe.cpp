// Tests of ImageProbe: formats, sizes and EXIF orientation from real images, and malformed headers.
#include "preprocess/image_probe.h"

#include "test_images.h"

#include <QFileInfo>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::ImageFormat)

class TestImageProbe : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void probeRealImages_data();
    void probeRealImages();
    void originalPhotos_data();
    void originalPhotos();
    void headerOnlyBytes();
    void malformed_data();
    void malformed();
    void mutatedHeadersNeverCrash_data();
    void mutatedHeadersNeverCrash();
    void sniff_data();
    void sniff();
    void describeUnsupported_data();
    void describeUnsupported();
    void reductionFactor_data();
    void reductionFactor();
    void jpegIsComplete_data();
    void jpegIsComplete();

private:
    cv::Mat m_photo; // a real photograph, 320×200
};

void TestImageProbe::initTestCase()
{
    QVERIFY2(!TestImages::naturePhotos().isEmpty(),
             "the photographs come from Debian's mate-backgrounds package: apt-get install mate-backgrounds");
    m_photo = TestImages::loadPhoto("Dune.jpg", 320);
    QCOMPARE(m_photo.cols, 320);
    QCOMPARE(m_photo.rows, 200);
}

void TestImageProbe::probeRealImages_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<ImageFormat>("format");
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("oriented");

    const QSize stored(320, 200);
    const QSize turned(200, 320);
    const QByteArray jpeg = TestImages::encode(m_photo, ".jpg");
    QTest::newRow("jpeg") << jpeg << ImageFormat::Jpeg << 1 << stored;
    QTest::newRow("png") << TestImages::encode(m_photo, ".png") << ImageFormat::Png << 1 << stored;
    QTest::newRow("bmp") << TestImages::encode(m_photo, ".bmp") << ImageFormat::Bmp << 1 << stored;
    QTest::newRow("webp") << TestImages::encode(m_photo, ".webp") << ImageFormat::WebP << 1 << stored;
    QTest::newRow("tiff") << TestImages::encode(m_photo, ".tiff") << ImageFormat::Tiff << 1 << stored;
    cv::Mat gray;
    cv::cvtColor(m_photo, gray, cv::COLOR_BGR2GRAY);
    QTest::newRow("png gray") << TestImages::encode(gray, ".png") << ImageFormat::Png << 1 << stored;
    QTest::newRow("jpeg gray") << TestImages::encode(gray, ".jpg") << ImageFormat::Jpeg << 1 << stored;
    for (int orientation = 2; orientation <= 8; ++orientation) {
        const QSize oriented = orientation >= 5 ? turned : stored;
        QTest::addRow("jpeg exif %d little-endian", orientation)
            << TestImages::withExifOrientation(jpeg, orientation) << ImageFormat::Jpeg << orientation << oriented;
        QTest::addRow("jpeg exif %d big-endian", orientation)
            << TestImages::withExifOrientation(jpeg, orientation, true) << ImageFormat::Jpeg << orientation << oriented;
    }
    QTest::newRow("jpeg exif 9 is invalid")
        << TestImages::withExifOrientation(jpeg, 9) << ImageFormat::Jpeg << 1 << stored;
}

void TestImageProbe::probeRealImages()
{
    QFETCH(QByteArray, bytes);
    QFETCH(ImageFormat, format);
    QFETCH(int, orientation);
    QFETCH(QSize, oriented);

    QVERIFY(!bytes.isEmpty());
    QCOMPARE(ImageProbe::sniff(bytes), format);
    const ImageHeader header = ImageProbe::probe(bytes);
    QVERIFY2(header.ok(), qPrintable(header.error));
    QCOMPARE(header.format, format);
    QCOMPARE(header.width, 320);
    QCOMPARE(header.height, 200);
    QCOMPARE(header.orientation, orientation);
    QCOMPARE(header.orientedSize(), oriented);
    QCOMPARE(header.pixels(), qint64(64000));
}

void TestImageProbe::originalPhotos_data()
{
    QTest::addColumn<QString>("path");
    for (const QString &path : TestImages::naturePhotos())
        QTest::newRow(qPrintable(QFileInfo(path).fileName())) << path;
}

void TestImageProbe::originalPhotos()
{
    // The photographs as shipped: EXIF from cameras (both byte orders), progressive JPEGs.
    QFETCH(QString, path);
    const QByteArray bytes = TestImages::readFile(path);
    const ImageHeader header = ImageProbe::probe(bytes);
    QVERIFY2(header.ok(), qPrintable(header.error));
    const cv::Mat decoded = cv::imread(path.toStdString(), cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    QCOMPARE(header.width, decoded.cols);
    QCOMPARE(header.height, decoded.rows);
    QCOMPARE(header.orientation, 1); // all of them say "upper-left" or have no orientation tag
    // `file` says so: FreshFlower and GreenMeadow are progressive, the others baseline.
    const bool progressive =
        path.endsWith(QLatin1String("FreshFlower.jpg")) || path.endsWith(QLatin1String("GreenMeadow.jpg"));
    QCOMPARE(header.progressive, progressive);
    QVERIFY(ImageProbe::jpegIsComplete(bytes));
}

void TestImageProbe::headerOnlyBytes()
{
    // A real photo with a camera EXIF block: the size is known from a prefix, and every shorter
    // prefix is reported as a truncated header, never read out of bounds.
    const QByteArray bytes = TestImages::readFile(TestImages::photo("Storm.jpg"));
    qsizetype needed = -1;
    for (qsizetype length = 0; length <= bytes.size(); ++length) {
        const ImageHeader header = ImageProbe::probe(QByteArrayView(bytes.constData(), length));
        if (header.ok()) {
            needed = length;
            break;
        }
        if (length >= 3)
            QCOMPARE(header.error, QStringLiteral("truncated JPEG header"));
    }
    QVERIFY(needed > 0);
    QVERIFY2(needed < 64 * 1024, "the frame header of a camera JPEG is near the start");
    const ImageHeader header = ImageProbe::probe(bytes.left(needed));
    QCOMPARE(header.width, 1920);
    QCOMPARE(header.height, 1280);
}

void TestImageProbe::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");

    const QByteArray png = TestImages::encode(m_photo, ".png");
    const QByteArray jpeg = TestImages::encode(m_photo, ".jpg");
    const QByteArray bmp = TestImages::encode(m_photo, ".bmp");
    const QByteArray webp = TestImages::encode(m_photo, ".webp");
    const QByteArray tiff = TestImages::encode(m_photo, ".tiff");

    QTest::newRow("empty") << QByteArray() << "empty file";
    QTest::newRow("text") << QByteArray("Hello, I am not a picture") << "not an image: a text file";
    QTest::newRow("pdf") << QByteArray("%PDF-1.4\n%\xE2\xE3") << "not an image: a PDF document";
    QTest::newRow("binary") << QByteArray("\x7F"
                                          "ELF\x02\x01",
                                          6)
                            << "not an image: executable (application/x-executable)";
    QTest::newRow("gif") << QByteArray("GIF89a\x10\x00\x10\x00") << "unsupported format GIF";

    QTest::newRow("png cut in IHDR") << png.left(20) << "truncated PNG header";
    QByteArray badLength = png;
    badLength[11] = 14;
    QTest::newRow("png IHDR length") << badLength << "corrupt PNG header";
    QByteArray zeroWidth = TestImages::pngHeaderOnly(0, 10);
    QTest::newRow("png zero width") << zeroWidth << "corrupt PNG header (size 0×10)";
    QTest::newRow("png width over 2^31") << TestImages::pngHeaderOnly(0x80000000u, 10)
                                         << "corrupt PNG header (size 2147483648×10)";

    QTest::newRow("jpeg cut after SOI") << jpeg.left(3) << "truncated JPEG header";
    QByteArray jpegNoFrame("\xFF\xD8\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 12);
    QTest::newRow("jpeg scan before frame")
        << jpegNoFrame << "corrupt JPEG header (no frame header before the image data)";
    QTest::newRow("jpeg segment length 1") << QByteArray("\xFF\xD8\xFF\xE0\x00\x01", 6) << "corrupt JPEG header";
    QTest::newRow("jpeg garbage between segments")
        << QByteArray("\xFF\xD8\xFF\xE0\x00\x02\x42\x42", 8) << "corrupt JPEG header";
    QTest::newRow("jpeg zero height") << TestImages::jpegClaimingSize(jpeg, 320, 0)
                                      << "corrupt JPEG header (size 320×0)";

    QTest::newRow("bmp cut") << bmp.left(20) << "truncated BMP header";
    QByteArray bmpWidth = bmp;
    bmpWidth[18] = bmpWidth[19] = bmpWidth[20] = bmpWidth[21] = char(0xFF); // width -1
    QTest::newRow("bmp negative width") << bmpWidth << "corrupt BMP header";

    QTest::newRow("webp cut") << webp.left(14) << "truncated WebP header";
    QByteArray webpChunk = webp;
    webpChunk.replace(12, 4, "ABCD");
    QTest::newRow("webp unknown chunk") << webpChunk << "corrupt WebP header";

    QByteArray tiffOffset = tiff;
    tiffOffset[4] = tiffOffset[5] = tiffOffset[6] = char(0x7F); // IFD far beyond the end
    QTest::newRow("tiff IFD out of range") << tiffOffset << "truncated TIFF header";
    QTest::newRow("tiff IFD offset too small") << QByteArray("II*\0\x02\0\0\0", 8) << "corrupt TIFF header";
    QTest::newRow("tiff no size tags") << QByteArray("II*\0\x08\0\0\0\0\0", 10)
                                       << "corrupt TIFF header (no image size)";
}

void TestImageProbe::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    const ImageHeader header = ImageProbe::probe(bytes);
    QVERIFY(!header.ok());
    QCOMPARE(header.error, error);
    // A skip reason names the kind of file, never its bytes (issue 13 showed "starts with hell").
    QVERIFY2(bytes.size() < 4 || !header.error.contains(QString::fromLatin1(bytes.left(4))), qPrintable(header.error));
}

void TestImageProbe::mutatedHeadersNeverCrash_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("jpeg exif") << TestImages::withExifOrientation(TestImages::encode(m_photo, ".jpg"), 6).left(2048);
    QTest::newRow("png") << TestImages::encode(m_photo, ".png").left(64);
    QTest::newRow("bmp") << TestImages::encode(m_photo, ".bmp").left(64);
    QTest::newRow("webp") << TestImages::encode(m_photo, ".webp").left(64);
    QTest::newRow("tiff")
        << TestImages::encode(m_photo, ".tiff").right(512).prepend(TestImages::encode(m_photo, ".tiff").left(16));
}

void TestImageProbe::mutatedHeadersNeverCrash()
{
    // Random byte mutations and truncations of real headers: every result is either an error or a
    // plausible size, and nothing reads out of bounds (run under ASan to see it).
    QFETCH(QByteArray, bytes);
    quint32 state = 12345;
    auto next = [&state] { return state = state * 1664525u + 1013904223u; };
    int accepted = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray mutated = bytes;
        const int flips = 1 + int(next() % 4);
        for (int i = 0; i < flips; ++i)
            mutated[qsizetype(next() % quint32(mutated.size()))] = char(next() >> 24);
        mutated.truncate(qsizetype(next() % quint32(mutated.size() + 1)));
        const QByteArray exact = mutated; // no slack after the end: ASan sees any overread
        const ImageHeader header = ImageProbe::probe(exact);
        if (header.ok()) {
            ++accepted;
            QVERIFY(header.width > 0 && header.height > 0);
            QVERIFY(header.orientation >= 1 && header.orientation <= 8);
        } else {
            QVERIFY(!header.error.isEmpty());
        }
    }
    QVERIFY(accepted < 3000);
}

void TestImageProbe::sniff_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<ImageFormat>("format");
    QTest::newRow("jpeg") << QByteArray("\xFF\xD8\xFF\xE0", 4) << ImageFormat::Jpeg;
    QTest::newRow("png") << QByteArray("\x89PNG\r\n\x1A\n", 8) << ImageFormat::Png;
    QTest::newRow("webp") << QByteArray("RIFF\0\0\0\0WEBPVP8 ", 16) << ImageFormat::WebP;
    QTest::newRow("riff wave") << QByteArray("RIFF\0\0\0\0WAVEfmt ", 16) << ImageFormat::Unknown;
    QTest::newRow("tiff little") << QByteArray("II*\0", 4) << ImageFormat::Tiff;
    QTest::newRow("tiff big") << QByteArray("MM\0*", 4) << ImageFormat::Tiff;
    QTest::newRow("bmp") << QByteArray("BM\0\0\0\0\0\0\0\0\0\0\0\0\x28\0\0\0", 18) << ImageFormat::Bmp;
    QTest::newRow("text starting BM") << QByteArray("BMW motor works, a text file") << ImageFormat::Unknown;
    QTest::newRow("jpeg soi only") << QByteArray("\xFF\xD8", 2) << ImageFormat::Unknown;
    QTest::newRow("empty") << QByteArray() << ImageFormat::Unknown;
}

void TestImageProbe::sniff()
{
    QFETCH(QByteArray, head);
    QFETCH(ImageFormat, format);
    QCOMPARE(ImageProbe::sniff(head), format);
}

void TestImageProbe::describeUnsupported_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("reason");
    QTest::newRow("gif by magic") << QByteArray("GIF87a") << "a.jpg"
                                  << "unsupported format GIF";
    QTest::newRow("heic by magic") << QByteArray("\0\0\0\x18"
                                                 "ftypheic",
                                                 12)
                                   << "a.jpg"
                                   << "unsupported format HEIF";
    QTest::newRow("avif by magic") << QByteArray("\0\0\0\x1C"
                                                 "ftypavif",
                                                 12)
                                   << "a.bin"
                                   << "unsupported format AVIF";
    QTest::newRow("bigtiff") << QByteArray("II+\0", 4) << "a.tif"
                             << "unsupported format BigTIFF";
    QTest::newRow("heic by name") << QByteArray("\0\0\0\0zzzz", 8) << "IMG_1.HEIC"
                                  << "unsupported format .heic";
    QTest::newRow("text named jpg") << QByteArray("just text") << "photo.jpg"
                                    << "not an image: a text file";
    QTest::newRow("short") << QByteArray("ab") << "x.png"
                           << "not an image: a text file";
}

void TestImageProbe::describeUnsupported()
{
    QFETCH(QByteArray, head);
    QFETCH(QString, fileName);
    QFETCH(QString, reason);
    QCOMPARE(ImageProbe::describeUnsupported(head, fileName), reason);
}

void TestImageProbe::reductionFactor_data()
{
    QTest::addColumn<ImageFormat>("format");
    QTest::addColumn<QSizeF>("region");
    QTest::addColumn<QSize>("out");
    QTest::addColumn<int>("factor");
    QTest::newRow("2560x1600 centre 224") << ImageFormat::Jpeg << QSizeF(1600, 1600) << QSize(224, 224) << 4;
    QTest::newRow("1680x1050 centre 224") << ImageFormat::Jpeg << QSizeF(1050, 1050) << QSize(224, 224) << 4;
    QTest::newRow("exactly 8x") << ImageFormat::Jpeg << QSizeF(1792, 1792) << QSize(224, 224) << 8;
    QTest::newRow("just under 8x") << ImageFormat::Jpeg << QSizeF(1791, 1792) << QSize(224, 224) << 4;
    QTest::newRow("640x480 centre 224") << ImageFormat::Jpeg << QSizeF(480, 480) << QSize(224, 224) << 2;
    QTest::newRow("small crop") << ImageFormat::Jpeg << QSizeF(300, 420) << QSize(224, 224) << 1;
    QTest::newRow("wide output") << ImageFormat::Jpeg << QSizeF(1000, 500) << QSize(400, 100) << 2;
    QTest::newRow("png never") << ImageFormat::Png << QSizeF(4000, 4000) << QSize(224, 224) << 1;
    QTest::newRow("webp never") << ImageFormat::WebP << QSizeF(4000, 4000) << QSize(224, 224) << 1;
}

void TestImageProbe::reductionFactor()
{
    QFETCH(ImageFormat, format);
    QFETCH(QSizeF, region);
    QFETCH(QSize, out);
    QFETCH(int, factor);
    ImageHeader header;
    header.format = format;
    header.width = 4000;
    header.height = 4000;
    QCOMPARE(ImageProbe::reductionFactor(header, region.width(), region.height(), out.width(), out.height()), factor);
}

void TestImageProbe::jpegIsComplete_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("complete");
    const QByteArray baseline = TestImages::readFile(TestImages::photo("Dune.jpg"));
    const QByteArray progressive = TestImages::readFile(TestImages::photo("FreshFlower.jpg"));
    QTest::newRow("baseline") << baseline << true;
    QTest::newRow("progressive") << progressive << true;
    QTest::newRow("trailing bytes after EOI") << baseline + QByteArray(1000, 'x') << true;
    QTest::newRow("baseline half") << baseline.left(baseline.size() / 2) << false;
    QTest::newRow("baseline without EOI") << baseline.left(baseline.size() - 2) << false;
    QTest::newRow("progressive 90%") << progressive.left(progressive.size() * 9 / 10) << false;
    QTest::newRow("header only") << baseline.left(4096) << false;
    QTest::newRow("not a jpeg") << QByteArray("hello") << false;
}

void TestImageProbe::jpegIsComplete()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, complete);
    QCOMPARE(ImageProbe::jpegIsComplete(bytes), complete);
}

QTEST_GUILESS_MAIN(TestImageProbe)
#include "tst_image_probe.moc"
