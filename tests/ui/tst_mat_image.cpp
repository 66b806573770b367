// matToImage: the one cv::Mat → QImage conversion, for each layout the widgets meet.
#include "mat_image.h"

#include <QTest>

#include <opencv2/core.hpp>

using namespace tandem;

class TestMatImage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void grey()
    {
        cv::Mat mat(2, 3, CV_8UC1);
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x)
                mat.at<uchar>(y, x) = uchar(10 * (y * 3 + x));
        const QImage image = matToImage(mat, ChannelOrder::Bgr);
        QCOMPARE(image.format(), QImage::Format_Grayscale8);
        QCOMPARE(image.size(), QSize(3, 2));
        QCOMPARE(qGray(image.pixel(2, 1)), 50);
        QCOMPARE(qGray(image.pixel(0, 0)), 0);
    }

    void bgrAndRgb()
    {
        cv::Mat mat(1, 2, CV_8UC3);
        mat.at<cv::Vec3b>(0, 0) = cv::Vec3b(255, 0, 0); // blue in BGR, red in RGB
        mat.at<cv::Vec3b>(0, 1) = cv::Vec3b(1, 2, 3);
        const QImage bgr = matToImage(mat, ChannelOrder::Bgr);
        QCOMPARE(bgr.format(), QImage::Format_RGB888);
        QCOMPARE(bgr.pixel(0, 0), qRgb(0, 0, 255));
        QCOMPARE(bgr.pixel(1, 0), qRgb(3, 2, 1));
        const QImage rgb = matToImage(mat, ChannelOrder::Rgb);
        QCOMPARE(rgb.pixel(0, 0), qRgb(255, 0, 0));
        QCOMPARE(rgb.pixel(1, 0), qRgb(1, 2, 3));
    }

    void bgraKeepsAlpha()
    {
        cv::Mat mat(1, 2, CV_8UC4);
        mat.at<cv::Vec4b>(0, 0) = cv::Vec4b(10, 20, 30, 255);
        mat.at<cv::Vec4b>(0, 1) = cv::Vec4b(0, 0, 200, 0); // fully transparent red
        const QImage image = matToImage(mat, ChannelOrder::Bgr);
        QCOMPARE(image.format(), QImage::Format_ARGB32);
        QCOMPARE(image.pixel(0, 0), qRgba(30, 20, 10, 255));
        QCOMPARE(qAlpha(image.pixel(1, 0)), 0);
        QCOMPARE(qRed(image.pixel(1, 0)), 200);
        QCOMPARE(matToImage(mat, ChannelOrder::Rgb).pixel(0, 0), qRgba(10, 20, 30, 255));
    }

    // A region of interest: rows are further apart than its width, and its first pixel is not
    // the buffer's. The image is a copy that outlives the Mat.
    void nonContinuousRoi()
    {
        cv::Mat whole(6, 8, CV_8UC3, cv::Scalar(0, 0, 0));
        for (int y = 0; y < whole.rows; ++y)
            for (int x = 0; x < whole.cols; ++x)
                whole.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x), uchar(y), uchar(x + y));
        QImage image;
        {
            const cv::Mat roi = whole(cv::Rect(3, 2, 3, 4));
            QVERIFY(!roi.isContinuous());
            image = matToImage(roi, ChannelOrder::Bgr);
        }
        whole.setTo(cv::Scalar(9, 9, 9)); // the copy does not follow
        QCOMPARE(image.size(), QSize(3, 4));
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 3; ++x)
                QCOMPARE(image.pixel(x, y), qRgb(3 + x + 2 + y, 2 + y, 3 + x));
    }

    void unsupportedGivesNull()
    {
        QVERIFY(matToImage(cv::Mat(), ChannelOrder::Bgr).isNull());
        QVERIFY(matToImage(cv::Mat(2, 2, CV_32FC1, cv::Scalar(0.5)), ChannelOrder::Bgr).isNull());
        QVERIFY(matToImage(cv::Mat(2, 2, CV_8UC2, cv::Scalar(1, 2)), ChannelOrder::Bgr).isNull());
    }
};

QTEST_GUILESS_MAIN(TestMatImage)
#include "tst_mat_image.moc"
