// Tests of colab_agent/sample_cache: real base images (Debian's mate-backgrounds photographs through the
// client's BaseImageBuilder, JPEG-encoded by core/imagecodec) stored, found, evicted, refused under another
// fingerprint, damaged in RAM and on disk (reported missing and counted), and kept across a new cache on
// the same folder.
#include "sample_cache.h"

#include "imagecodec/image_codec.h"
#include "preprocess/base_image_builder.h"
#include "test_images.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;
using tandem::agent::CachedImage;
using tandem::agent::SampleCache;
using tandem::agent::SampleCacheOptions;
using tandem::agent::SampleKey;

namespace {

constexpr quint64 kFingerprint = 0x5EED'0000'0000'0224ULL;

struct Sample {
    SampleKey key;
    CachedImage image;
};

// Every nature photograph as a 160 × 160-training base image, JPEG at quality 90.
QVector<Sample> realSamples()
{
    QVector<Sample> samples;
    PreprocessOptions options;
    options.width = 160;
    options.height = 160;
    for (const QString &path : TestImages::naturePhotos()) {
        const BaseImageResult base = BaseImageBuilder::build(TestImages::readFile(path), options);
        if (!base.ok())
            continue;
        const ImageView view{base.image.data, base.image.cols, base.image.rows, base.image.channels(),
                             qsizetype(base.image.step[0])};
        const ImageCodec::EncodeResult encoded = ImageCodec::encode(view, ImageCodec::Codec::Jpeg, 90);
        if (!encoded.ok())
            continue;
        samples.push_back(
            {{base.contentId, kFingerprint},
             {ImageCodec::Codec::Jpeg, base.image.cols, base.image.rows, base.image.channels(), encoded.bytes}});
    }
    return samples;
}

bool sameImage(const CachedImage &a, const CachedImage &b)
{
    return a.codec == b.codec && a.width == b.width && a.height == b.height && a.channels == b.channels &&
           a.bytes == b.bytes;
}

} // namespace

class TestSampleCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hitAndMiss();
    void presenceBitmap();
    void evictsLeastRecentlyUsed();
    void fingerprintMismatch();
    void refusesBadShapes();
    void corruptInRam();
    void corruptOnDisk();
    void diskSurvivesRestart();
    void diskBudgetEvictsAndRamFallsBackToDisk();
    void truncatedAndStrayFilesOnStart();
    void defaultBudgetFromMemAvailable();

private:
    QVector<Sample> m_samples;
    qint64 m_largest = 0;
};

void TestSampleCache::initTestCase()
{
    if (TestImages::naturePhotos().size() < 4)
        QSKIP("install mate-backgrounds");
    m_samples = realSamples();
    QVERIFY(m_samples.size() >= 4);
    for (const Sample &s : std::as_const(m_samples))
        m_largest = std::max(m_largest, qint64(s.image.bytes.size()));
    QVERIFY(m_largest > 1000); // real JPEGs, not a few bytes
}

void TestSampleCache::hitAndMiss()
{
    SampleCache cache({64 << 20, {}, 0});
    const Sample &a = m_samples[0];
    QVERIFY(!cache.find(a.key));
    QVERIFY(cache.insert(a.key, a.image));
    const std::optional<CachedImage> found = cache.find(a.key);
    QVERIFY(found);
    QVERIFY(sameImage(*found, a.image));
    QVERIFY(!cache.find(m_samples[1].key));

    const auto stats = cache.stats();
    QCOMPARE(stats.hits, quint64(1));
    QCOMPARE(stats.misses, quint64(2));
    QCOMPARE(stats.inserts, quint64(1));
    QCOMPARE(stats.corrupt, quint64(0));
    QCOMPARE(stats.ramEntries, qint64(1));
    QCOMPARE(stats.ramBytes, qint64(a.image.bytes.size()));
    QCOMPARE(stats.diskEntries, qint64(0));
    QVERIFY(cache.describe().contains(QStringLiteral("64 MiB of RAM")));
}

void TestSampleCache::presenceBitmap()
{
    SampleCache cache({64 << 20, {}, 0});
    // Held: samples 0, 2 and 3, of an epoch plan of 10 ids (the rest unknown ids).
    QVector<quint64> plan;
    for (const Sample &s : std::as_const(m_samples))
        plan << s.key.contentId;
    while (plan.size() < 10)
        plan << quint64(plan.size()) * 7919;
    for (int i : {0, 2, 3})
        QVERIFY(cache.insert(m_samples[i].key, m_samples[i].image));
    const QVector<bool> held = cache.contains(kFingerprint, plan);
    QCOMPARE(held.size(), plan.size());
    for (int i = 0; i < plan.size(); ++i)
        QCOMPARE(held[i], i == 0 || i == 2 || i == 3);
    const QByteArray bitmap = cache.presenceBitmap(kFingerprint, plan);
    QCOMPARE(bitmap.size(), 2);
    QCOMPARE(uchar(bitmap[0]), uchar(0b0000'1101));
    QCOMPARE(uchar(bitmap[1]), uchar(0));
    QCOMPARE(cache.presenceBitmap(kFingerprint + 1, plan), QByteArray(2, '\0'));
    QVERIFY(cache.presenceBitmap(kFingerprint, {}).isEmpty());
}

void TestSampleCache::evictsLeastRecentlyUsed()
{
    // Room for samples 0..2 and not for 3 besides: inserting 3 pushes out the least recently used one.
    const qint64 budget = m_samples[0].image.bytes.size() + m_samples[1].image.bytes.size() +
                          m_samples[2].image.bytes.size() + m_samples[3].image.bytes.size() - 1;
    SampleCache cache({budget, {}, 0});
    QCOMPARE(cache.ramBudget(), budget);
    for (int i = 0; i < 3; ++i)
        QVERIFY(cache.insert(m_samples[i].key, m_samples[i].image));
    QVERIFY(cache.find(m_samples[0].key)); // 0 is now the most recent; 1 the least
    QVERIFY(cache.insert(m_samples[3].key, m_samples[3].image));
    const auto stats = cache.stats();
    QVERIFY(stats.ramBytes <= budget);
    QVERIFY(stats.evictions >= 1);
    QVERIFY(!cache.find(m_samples[1].key));
    QVERIFY(cache.find(m_samples[0].key));
    QVERIFY(cache.find(m_samples[3].key));

    // Many inserts never exceed the budget.
    for (int round = 0; round < 3; ++round)
        for (const Sample &s : std::as_const(m_samples))
            QVERIFY(cache.insert({s.key.contentId + quint64(round) * 1000003, kFingerprint}, s.image));
    QVERIFY(cache.stats().ramBytes <= budget);
}

void TestSampleCache::fingerprintMismatch()
{
    SampleCache cache({64 << 20, {}, 0});
    const Sample &a = m_samples[0];
    QVERIFY(cache.insert(a.key, a.image));
    const SampleKey other{a.key.contentId, a.key.fingerprint ^ 1};
    QVERIFY(!cache.find(other));
    QCOMPARE(cache.contains(other.fingerprint, {a.key.contentId}), QVector<bool>{false});
    QCOMPARE(cache.stats().misses, quint64(1));
    QVERIFY(cache.find(a.key)); // the original is untouched
}

void TestSampleCache::refusesBadShapes()
{
    SampleCache cache({64 << 20, {}, 0});
    CachedImage image = m_samples[0].image;
    image.channels = 4;
    QVERIFY(!cache.insert(m_samples[0].key, image));
    image = m_samples[0].image;
    image.bytes.clear();
    QVERIFY(!cache.insert(m_samples[0].key, image));
    image = m_samples[0].image;
    image.codec = ImageCodec::Codec(7);
    QVERIFY(!cache.insert(m_samples[0].key, image));
    QCOMPARE(cache.stats().inserts, quint64(0));
}

void TestSampleCache::corruptInRam()
{
    SampleCache cache({64 << 20, {}, 0});
    const Sample &a = m_samples[0];
    QVERIFY(cache.insert(a.key, a.image));
    const std::optional<CachedImage> before = cache.find(a.key); // a copy handed out earlier stays intact
    QVERIFY(cache.damageInRamForTesting(a.key, a.image.bytes.size() / 2));
    QVERIFY(!cache.find(a.key));
    QVERIFY(sameImage(*before, a.image));
    auto stats = cache.stats();
    QCOMPARE(stats.corrupt, quint64(1));
    QCOMPARE(stats.misses, quint64(1));
    QCOMPARE(stats.ramEntries, qint64(0));
    // Reported missing, so the client sends it again; then it is found.
    QCOMPARE(cache.contains(kFingerprint, {a.key.contentId}), QVector<bool>{false});
    QVERIFY(cache.insert(a.key, a.image));
    QVERIFY(cache.find(a.key));
}

void TestSampleCache::corruptOnDisk()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Sample &a = m_samples[0];
    const Sample &b = m_samples[1];
    {
        SampleCache cache({64 << 20, dir.path(), 0});
        QVERIFY2(cache.diskError().isEmpty(), qPrintable(cache.diskError()));
        QVERIFY(cache.insert(a.key, a.image));
        QVERIFY(cache.insert(b.key, b.image));
        QCOMPARE(cache.stats().diskEntries, qint64(2));
    }
    // One payload byte flipped in a's file; b's header claims another content id.
    const QString pathA = dir.filePath(SampleCache::fileName(a.key));
    QFile fileA(pathA);
    QVERIFY(fileA.open(QIODevice::ReadWrite));
    QByteArray bytes = fileA.readAll();
    QCOMPARE(bytes.size(), 48 + a.image.bytes.size());
    bytes[48 + bytes.size() / 3] = char(~uchar(bytes[48 + bytes.size() / 3]));
    QVERIFY(fileA.seek(0) && fileA.write(bytes) == bytes.size());
    fileA.close();
    QFile fileB(dir.filePath(SampleCache::fileName(b.key)));
    QVERIFY(fileB.open(QIODevice::ReadWrite));
    QByteArray bytesB = fileB.readAll();
    bytesB[8] = char(uchar(bytesB[8]) ^ 0x01); // the contentId field
    QVERIFY(fileB.seek(0) && fileB.write(bytesB) == bytesB.size());
    fileB.close();

    SampleCache cache({64 << 20, dir.path(), 0});
    // b's header does not match its name: dropped at start. a looks fine until read.
    QCOMPARE(cache.stats().corrupt, quint64(1));
    QCOMPARE(cache.contains(kFingerprint, {a.key.contentId, b.key.contentId}), (QVector<bool>{true, false}));
    QVERIFY(!cache.find(a.key));
    const auto stats = cache.stats();
    QCOMPARE(stats.corrupt, quint64(2));
    QCOMPARE(stats.misses, quint64(1));
    QCOMPARE(stats.diskEntries, qint64(0));
    QVERIFY(!QFileInfo::exists(pathA)); // removed, so it is requested and written again
    QCOMPARE(cache.contains(kFingerprint, {a.key.contentId}), QVector<bool>{false});
}

void TestSampleCache::diskSurvivesRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        SampleCache cache({64 << 20, dir.path(), 0});
        for (const Sample &s : std::as_const(m_samples))
            QVERIFY(cache.insert(s.key, s.image));
        QCOMPARE(cache.stats().diskEntries, qint64(m_samples.size()));
    }
    // Nothing but the cache files in the folder (QSaveFile's temporaries are gone).
    const QStringList names = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    QCOMPARE(names.size(), m_samples.size());
    for (const QString &name : names)
        QVERIFY2(name.endsWith(QLatin1String(".tsc")), qPrintable(name));

    SampleCache cache({64 << 20, dir.path(), 0});
    QVERIFY(cache.describe().contains(QStringLiteral("%1 base images found").arg(m_samples.size())));
    auto stats = cache.stats();
    QCOMPARE(stats.diskEntries, qint64(m_samples.size()));
    QCOMPARE(stats.ramEntries, qint64(0));
    for (const Sample &s : std::as_const(m_samples)) {
        const std::optional<CachedImage> found = cache.find(s.key);
        QVERIFY(found);
        QVERIFY(sameImage(*found, s.image));
    }
    stats = cache.stats();
    QCOMPARE(stats.diskHits, quint64(m_samples.size()));
    QCOMPARE(stats.ramEntries, qint64(m_samples.size())); // promoted
    QVERIFY(cache.find(m_samples[0].key));
    QCOMPARE(cache.stats().diskHits, quint64(m_samples.size())); // from RAM this time
}

void TestSampleCache::diskBudgetEvictsAndRamFallsBackToDisk()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // RAM for one image, disk for two of the largest.
    SampleCache cache({m_largest + 1, dir.path(), 2 * (48 + m_largest) + 1});
    for (int i = 0; i < 3; ++i)
        QVERIFY(cache.insert(m_samples[i].key, m_samples[i].image));
    auto stats = cache.stats();
    QCOMPARE(stats.ramEntries, qint64(1));
    QCOMPARE(stats.diskEntries, qint64(2));
    QVERIFY(!QFileInfo::exists(dir.filePath(SampleCache::fileName(m_samples[0].key))));
    QVERIFY(!cache.find(m_samples[0].key));
    const std::optional<CachedImage> fromDisk = cache.find(m_samples[1].key); // not in RAM any more
    QVERIFY(fromDisk);
    QVERIFY(sameImage(*fromDisk, m_samples[1].image));
    QCOMPARE(cache.stats().diskHits, quint64(1));
}

void TestSampleCache::truncatedAndStrayFilesOnStart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Sample &a = m_samples[0];
    {
        SampleCache cache({64 << 20, dir.path(), 0});
        QVERIFY(cache.insert(a.key, a.image));
    }
    const QString path = dir.filePath(SampleCache::fileName(a.key));
    QVERIFY(QFile::resize(path, 48 + a.image.bytes.size() / 2)); // a torn write of an older tool
    QVERIFY(TestImages::writeFile(path + QStringLiteral(".AbC123"), "left by a crash"));
    QVERIFY(TestImages::writeFile(dir.filePath(QStringLiteral("notes.txt")), "not ours"));
    SampleCache cache({64 << 20, dir.path(), 0});
    QCOMPARE(cache.stats().diskEntries, qint64(0));
    QCOMPARE(cache.stats().corrupt, quint64(1));
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(path + QStringLiteral(".AbC123")));
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("notes.txt")))); // someone else's file stays
}

void TestSampleCache::defaultBudgetFromMemAvailable()
{
    const std::optional<qint64> available = SampleCache::memAvailableBytes();
    QVERIFY2(available, "/proc/meminfo has no MemAvailable");
    QVERIFY(*available > 0);
    const qint64 budget = SampleCache::defaultRamBytes();
    QVERIFY(budget >= (64LL << 20));
    QVERIFY(budget <= std::max<qint64>(64LL << 20, *available / 4 + (64LL << 20))); // MemAvailable moves
    SampleCache cache({0, {}, 0});
    QVERIFY(cache.ramBudget() >= (64LL << 20));
    QVERIFY(cache.describe().contains(QStringLiteral("MemAvailable")));

    // A folder that cannot be created: the RAM tier still works, with a clear reason.
    SampleCache blocked({16 << 20, QStringLiteral("/proc/tandem-cache"), 0});
    QVERIFY(blocked.diskError().contains(QStringLiteral("/proc/tandem-cache")));
    QVERIFY(blocked.insert(m_samples[0].key, m_samples[0].image));
    QVERIFY(blocked.find(m_samples[0].key));
}

QTEST_GUILESS_MAIN(TestSampleCache)
#include "tst_sample_cache.moc"
