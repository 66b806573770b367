// ThumbnailService: one decoder pool and cache for every view; each image decoded once.
#include "thumbnail_service.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestThumbnailService : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        const QDir photos(QStringLiteral("/usr/share/backgrounds/mate/nature"));
        const QStringList names = photos.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        QVERIFY2(names.size() >= 2, "install mate-backgrounds");
        m_photo = photos.filePath(names.first());
        m_other = photos.filePath(names.at(1));
    }

    void decodesOnceAndScalesForEachView()
    {
        ThumbnailService service;
        QSignalSpy loaded(&service, &ThumbnailService::loaded);
        QVERIFY(service.thumbnail(m_photo).isNull());      // queued
        QVERIFY(service.thumbnail(m_photo, 112).isNull()); // asked again by another view: still one job
        QVERIFY(!service.isReady(m_photo));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10'000);
        QCOMPARE(loaded.first().at(0).toString(), m_photo);
        QVERIFY(service.isReady(m_photo));
        const QPixmap full = service.thumbnail(m_photo);
        QVERIFY(!full.isNull());
        QCOMPARE(std::max(full.width(), full.height()), ThumbnailService::kSide); // a large photo
        const QPixmap small = service.thumbnail(m_photo, 112);
        QCOMPARE(std::max(small.width(), small.height()), 112);
        QCOMPARE(service.cachedCount(), 1);
        QTest::qWait(100);
        QCOMPARE(loaded.size(), 1); // never decoded twice
        QVERIFY(service.failure(m_photo).isEmpty());
    }

    void failuresAreKeptWithTheirReason()
    {
        QTemporaryDir dir;
        const QString broken = dir.filePath(QStringLiteral("broken.jpg"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\xff\xd8\xff\xe0 not really a jpeg");
        file.close();
        ThumbnailService service;
        QSignalSpy loaded(&service, &ThumbnailService::loaded);
        QVERIFY(service.thumbnail(broken).isNull());
        QVERIFY(service.thumbnail(m_other).isNull());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 10'000);
        QVERIFY(!service.failure(broken).isEmpty());
        QVERIFY(!service.isReady(broken));
        QVERIFY(service.thumbnail(broken).isNull()); // not queued again
        QVERIFY(service.isReady(m_other));
        QTest::qWait(100);
        QCOMPARE(loaded.size(), 2);
    }

private:
    QString m_photo;
    QString m_other;
};

QTEST_MAIN(TestThumbnailService)
#include "tst_thumbnail_service.moc"
