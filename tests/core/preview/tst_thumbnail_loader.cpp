// ThumbnailLoader: decodes off the calling thread, newest request first, reasons for failures.
#include "preview/thumbnail_loader.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace tandem;

namespace {
QString writeImage(const QTemporaryDir &dir, const QString &name, int width, int height)
{
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(255, 0, 0)); // blue in BGR
    cv::rectangle(image, cv::Point(0, 0), cv::Point(width / 4, height - 1), cv::Scalar(0, 0, 255),
                  cv::FILLED); // red strip
    const QString path = dir.filePath(name);
    cv::imwrite(path.toStdString(), image);
    return path;
}
} // namespace

class TestThumbnailLoader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void decode_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("large jpeg, reduced") << "big.jpg" << 2000 << 1000 << QSize(128, 64);
        QTest::newRow("png portrait") << "tall.png" << 300 << 600 << QSize(64, 128);
        QTest::newRow("small is not enlarged") << "small.png" << 28 << 28 << QSize(28, 28);
    }
    void decode()
    {
        QFETCH(QString, name);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(QSize, expected);
        const QString path = writeImage(m_dir, name, width, height);
        QString error;
        const cv::Mat thumb = ThumbnailLoader::decode(path, 128, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(QSize(thumb.cols, thumb.rows), expected);
        QCOMPARE(thumb.type(), CV_8UC3);
        // RGB order: the right side is blue, the left strip red.
        const cv::Vec3b right = thumb.at<cv::Vec3b>(thumb.rows / 2, thumb.cols - 1);
        const cv::Vec3b left = thumb.at<cv::Vec3b>(thumb.rows / 2, 0);
        QVERIFY(right[2] > 200 && right[0] < 60);
        QVERIFY(left[0] > 200 && left[2] < 60);
    }

    void failuresSayWhy_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("pdf") << QByteArray("%PDF-1.7 ....") << "";
        // A real photograph (Debian's mate-backgrounds) cut off part way: decodes "fine" in libjpeg.
        QFile photo(QStringLiteral("/usr/share/backgrounds/mate/nature/Dune.jpg"));
        if (!photo.open(QIODevice::ReadOnly))
            QFAIL("no /usr/share/backgrounds/mate/nature/Dune.jpg: install mate-backgrounds");
        const QByteArray jpeg = photo.readAll();
        QTest::newRow("truncated jpeg") << jpeg.left(jpeg.size() * 3 / 5) << "corrupt or truncated JPEG";
        QTest::newRow("jpeg without its end marker") << jpeg.left(jpeg.size() - 2) << "corrupt or truncated JPEG";
    }
    void failuresSayWhy()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const QString path = m_dir.filePath(QStringLiteral("bad.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();
        QString error;
        QVERIFY(ThumbnailLoader::decode(path, 64, &error).empty());
        QVERIFY(!error.isEmpty());
        if (!reason.isEmpty())
            QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(ThumbnailLoader::decode(m_dir.filePath(QStringLiteral("absent.png")), 64, &error).empty());
        QVERIFY(error.contains(QStringLiteral("cannot open")));
    }

    void loadsAsynchronouslyOnce()
    {
        const QString path = writeImage(m_dir, QStringLiteral("async.png"), 200, 100);
        ThumbnailLoader loader(64);
        QSignalSpy loaded(&loader, &ThumbnailLoader::loaded);
        loader.request(7, path);
        loader.request(7, path); // already queued: not decoded twice
        QCOMPARE(loader.pendingCount(), 1);
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(loaded.first().at(0).toInt(), 7);
        QCOMPARE(loader.pendingCount(), 0);
        QTest::qWait(50);
        QCOMPARE(loaded.count(), 1);
    }

    void dropsTheOldestWhenFlooded()
    {
        const QString path = writeImage(m_dir, QStringLiteral("flood.png"), 64, 64);
        ThumbnailLoader loader(32);
        QSignalSpy loaded(&loader, &ThumbnailLoader::loaded);
        for (int i = 0; i < 5000; ++i)
            loader.request(i, path);
        QVERIFY(loader.pendingCount() < 1000); // queued, decoding or decoded and not yet delivered
        // The newest request is served; the oldest were dropped and are never delivered.
        QTRY_VERIFY(!loaded.isEmpty() && loader.pendingCount() == 0);
        QList<int> ids;
        for (const auto &args : loaded)
            ids << args.at(0).toInt();
        QVERIFY(ids.contains(4999));
        QVERIFY(ids.size() < 5000);
    }

    void resetForgetsEverything()
    {
        const QString path = writeImage(m_dir, QStringLiteral("reset.png"), 64, 64);
        ThumbnailLoader loader(32);
        QSignalSpy loaded(&loader, &ThumbnailLoader::loaded);
        for (int i = 0; i < 20; ++i)
            loader.request(i, path);
        loader.reset();
        QCOMPARE(loader.pendingCount(), 0);
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 0); // not even those that were decoding when reset
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestThumbnailLoader)
#include "tst_thumbnail_loader.moc"
