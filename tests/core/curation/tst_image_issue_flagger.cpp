// ImageIssueFlagger: each threshold on a table of image statistics, then on real files of each kind.
#include "curation/image_issue_flagger.h"
#include "test_images.h"

#include <QTest>

#include <algorithm>

#include <opencv2/imgproc.hpp>

using namespace tandem;

namespace {
ImageHashes stats(int width, int height, bool gray = false)
{
    ImageHashes h;
    h.decoded = true;
    h.contentHash = quint64(width) * 7919 + quint64(height);
    h.size = QSize(width, height);
    h.grayscale = gray;
    return h;
}
} // namespace

class TestImageIssueFlagger : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void thresholds_data();
    void thresholds();
    void grayOnlyMattersInAColourDataset();
    void tinyIsJudgedAgainstTheDatasetsMedian();
    void realFiles();
};

void TestImageIssueFlagger::thresholds_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<quint32>("expected");
    QTest::newRow("ordinary") << 640 << 480 << quint32(ImageIssue::None);
    QTest::newRow("tiny") << 31 << 40 << quint32(ImageIssue::Tiny);
    QTest::newRow("smallest fine") << 32 << 32 << quint32(ImageIssue::None);
    QTest::newRow("huge") << 8000 << 6000 << quint32(ImageIssue::Huge);
    QTest::newRow("panorama") << 4100 << 1000 << quint32(ImageIssue::ExtremeAspect);
    QTest::newRow("aspect 4 is fine") << 400 << 100 << quint32(ImageIssue::None);
    QTest::newRow("thin strip") << 10 << 500 << (quint32(ImageIssue::Tiny) | quint32(ImageIssue::ExtremeAspect));
}

void TestImageIssueFlagger::thresholds()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(quint32, expected);
    // Among ordinary photos, so that the dataset's median is theirs.
    std::vector<ImageHashes> dataset(9, stats(640, 480));
    dataset.push_back(stats(width, height));
    const std::vector<quint32> flags = ImageIssueFlagger::flag(dataset);
    QCOMPARE(flags.size(), size_t(10));
    QCOMPARE(flags.back(), expected);
}

void TestImageIssueFlagger::grayOnlyMattersInAColourDataset()
{
    std::vector<ImageHashes> colourSet(9, stats(300, 200));
    colourSet.push_back(stats(300, 200, true));
    std::vector<quint32> flags = ImageIssueFlagger::flag(colourSet);
    QCOMPARE(flags.back(), quint32(ImageIssue::GrayInColour));
    QCOMPARE(flags.front(), quint32(ImageIssue::None));
    QCOMPARE(ImageIssueFlagger::describe(flags.back()), QStringLiteral("grey in a colour dataset"));
}

// "Tiny" is relative: Fashion-MNIST's 28 × 28 images are its normal size (they were once all
// flagged, each with a warning badge), while a 12 px image among them, or a 28 px one among
// photographs, is tiny.
void TestImageIssueFlagger::tinyIsJudgedAgainstTheDatasetsMedian()
{
    std::vector<ImageHashes> fashion(2500, stats(28, 28, true));
    std::vector<quint32> flags = ImageIssueFlagger::flag(fashion);
    QVERIFY(std::all_of(flags.begin(), flags.end(), [](quint32 f) { return f == quint32(ImageIssue::None); }));
    fashion.push_back(stats(12, 12, true));
    flags = ImageIssueFlagger::flag(fashion);
    QCOMPARE(flags.back(), quint32(ImageIssue::Tiny));
    QCOMPARE(flags.front(), quint32(ImageIssue::None));

    std::vector<ImageHashes> photos(20, stats(1024, 768));
    photos.push_back(stats(28, 28));
    flags = ImageIssueFlagger::flag(photos);
    QCOMPARE(flags.back(), quint32(ImageIssue::Tiny));
}

void TestImageIssueFlagger::realFiles()
{
    if (TestImages::naturePhotos().isEmpty())
        QSKIP("mate-backgrounds is not installed");
    const cv::Mat photo = TestImages::loadPhoto("Garden.jpg", 600);
    cv::Mat gray;
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
    const QByteArray jpeg = TestImages::encode(photo, ".jpg", 90);
    std::vector<ImageHashes> hashes;
    for (const char *name : {"Aqua.jpg", "Dune.jpg", "Storm.jpg", "Wood.jpg"})
        hashes.push_back(ImageHasher::hashBytes(TestImages::encode(TestImages::loadPhoto(name, 300), ".jpg", 90)));
    hashes.push_back(ImageHasher::hashBytes(TestImages::encode(gray, ".jpg", 90)));                       // 4: grey
    hashes.push_back(ImageHasher::hashBytes(TestImages::encode(photo(cv::Rect(0, 0, 20, 20)), ".png")));  // 5: tiny
    hashes.push_back(ImageHasher::hashBytes(TestImages::encode(photo(cv::Rect(0, 0, 600, 60)), ".png"))); // 6: strip
    hashes.push_back(ImageHasher::hashBytes(jpeg.left(jpeg.size() / 3)));                       // 7: truncated
    hashes.push_back(ImageHasher::hashBytes(TestImages::jpegClaimingSize(jpeg, 12000, 12000))); // 8: bomb header
    const std::vector<quint32> flags = ImageIssueFlagger::flag(hashes);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(flags[size_t(i)], quint32(ImageIssue::None));
    QCOMPARE(flags[4], quint32(ImageIssue::GrayInColour));
    QCOMPARE(flags[5], quint32(ImageIssue::Tiny));
    QCOMPARE(flags[6], quint32(ImageIssue::ExtremeAspect));
    QCOMPARE(flags[7], quint32(ImageIssue::Unreadable));
    QVERIFY(ImageIssueFlagger::has(flags[8], ImageIssue::Unreadable));
    QVERIFY(ImageIssueFlagger::has(flags[8], ImageIssue::Huge));
    QCOMPARE(ImageIssueFlagger::describe(flags[8]), QStringLiteral("unreadable, huge"));
}

QTEST_GUILESS_MAIN(TestImageIssueFlagger)
#include "tst_image_issue_flagger.moc"
