// ImageHasher on real photographs: the content hash is the preprocessor's content id, the pHash of a
// re-encoded, resized copy stays close while distinct photographs are far apart, and broken files
// come back as errors.
#include "curation/image_hasher.h"
#include "preprocess/image_preprocessor.h"
#include "test_images.h"

#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgproc.hpp>

using namespace tandem;

class TestImageHasher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void contentHashIsTheContentId();
    void nearCopiesAreClose_data();
    void nearCopiesAreClose();
    void distinctPhotosAreFar();
    void grayscaleIsRecognised();
    void brokenFilesAreErrors_data();
    void brokenFilesAreErrors();
    void hashAllKeepsOrderAndCancels();
};

void TestImageHasher::initTestCase()
{
    if (TestImages::naturePhotos().size() < 8)
        QSKIP("mate-backgrounds is not installed");
}

void TestImageHasher::contentHashIsTheContentId()
{
    const QString path = TestImages::photo("Dune.jpg");
    const ImageHashes hashes = ImageHasher::hashFile(path);
    QVERIFY2(hashes.ok(), qPrintable(hashes.error));
    QCOMPARE(hashes.contentHash, ImagePreprocessor::contentId(TestImages::readFile(path)));
    QCOMPARE(ImageHasher::contentHashOfFile(path), hashes.contentHash);
    QVERIFY(hashes.size.width() > 1000);
    QVERIFY(!hashes.grayscale);
}

void TestImageHasher::nearCopiesAreClose_data()
{
    QTest::addColumn<QString>("photo");
    for (const char *name : {"Aqua.jpg", "Dune.jpg", "LadyBird.jpg", "Storm.jpg", "Wood.jpg", "YellowFlower.jpg"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestImageHasher::nearCopiesAreClose()
{
    QFETCH(QString, photo);
    const cv::Mat original = TestImages::loadPhoto(photo.toLatin1().constData(), 640);
    QVERIFY(!original.empty());
    cv::Mat smaller;
    cv::resize(original, smaller, cv::Size(), 0.7, 0.7, cv::INTER_AREA);
    const ImageHashes a = ImageHasher::hashBytes(TestImages::encode(original, ".jpg", 95));
    const ImageHashes b = ImageHasher::hashBytes(TestImages::encode(smaller, ".jpg", 60));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a.contentHash != b.contentHash);
    const int distance = ImageHasher::hammingDistance(a.perceptualHash, b.perceptualHash);
    // DuplicateFinder joins at <= 8; distinct photographs here are 22 or more apart.
    QVERIFY2(distance <= 6, qPrintable(QStringLiteral("distance %1").arg(distance)));
}

void TestImageHasher::distinctPhotosAreFar()
{
    const QStringList photos = TestImages::naturePhotos();
    std::vector<ImageHashes> hashes = ImageHasher::hashAll(photos);
    int closest = 64;
    for (size_t a = 0; a < hashes.size(); ++a) {
        QVERIFY2(hashes[a].ok(), qPrintable(hashes[a].error));
        for (size_t b = a + 1; b < hashes.size(); ++b)
            closest =
                std::min(closest, ImageHasher::hammingDistance(hashes[a].perceptualHash, hashes[b].perceptualHash));
    }
    qInfo("closest pHash distance between %lld distinct photographs: %d", qint64(photos.size()), closest);
    QVERIFY2(closest > 12, qPrintable(QStringLiteral("closest %1").arg(closest)));
}

void TestImageHasher::grayscaleIsRecognised()
{
    const cv::Mat colour = TestImages::loadPhoto("YellowFlower.jpg", 400);
    cv::Mat gray;
    cv::cvtColor(colour, gray, cv::COLOR_BGR2GRAY);
    cv::Mat grayAsBgr;
    cv::cvtColor(gray, grayAsBgr, cv::COLOR_GRAY2BGR); // three equal channels, as many "grey" JPEGs are
    const ImageHashes fromGray = ImageHasher::hashBytes(TestImages::encode(gray, ".png"));
    const ImageHashes fromBgr = ImageHasher::hashBytes(TestImages::encode(grayAsBgr, ".jpg", 80));
    const ImageHashes fromColour = ImageHasher::hashBytes(TestImages::encode(colour, ".jpg", 80));
    QVERIFY(fromGray.ok() && fromBgr.ok() && fromColour.ok());
    QVERIFY(fromGray.grayscale);
    QVERIFY(fromBgr.grayscale);
    QVERIFY(!fromColour.grayscale);
}

void TestImageHasher::brokenFilesAreErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray jpeg = TestImages::encode(TestImages::loadPhoto("Garden.jpg", 300), ".jpg", 90);
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty file");
    QTest::newRow("truncated jpeg") << jpeg.left(jpeg.size() / 2) << QStringLiteral("corrupt or truncated JPEG");
    QTest::newRow("text") << QByteArray("hello, this is not an image at all") << QString();
    QTest::newRow("header only png") << TestImages::pngHeaderOnly(64, 64) << QString();
}

void TestImageHasher::brokenFilesAreErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const ImageHashes hashes = ImageHasher::hashBytes(bytes);
    QVERIFY(!hashes.ok());
    QVERIFY(!hashes.error.isEmpty());
    if (!expected.isEmpty())
        QVERIFY2(hashes.error.contains(expected), qPrintable(hashes.error));
}

void TestImageHasher::hashAllKeepsOrderAndCancels()
{
    const QStringList photos = TestImages::naturePhotos().mid(0, 4);
    qint64 lastDone = 0;
    const std::vector<ImageHashes> all = ImageHasher::hashAll(photos, nullptr, [&lastDone](qint64 done, qint64 total) {
        QCOMPARE(total, qint64(4));
        lastDone = done;
    });
    QCOMPARE(lastDone, qint64(4));
    for (qsizetype i = 0; i < photos.size(); ++i)
        QCOMPARE(all[size_t(i)].contentHash, ImageHasher::contentHashOfFile(photos.at(i)));

    const std::atomic<bool> cancel{true};
    const std::vector<ImageHashes> none = ImageHasher::hashAll(photos, &cancel);
    QCOMPARE(none.size(), size_t(4));
    for (const ImageHashes &h : none)
        QCOMPARE(h.error, QStringLiteral("cancelled"));
}

QTEST_GUILESS_MAIN(TestImageHasher)
#include "tst_image_hasher.moc"
