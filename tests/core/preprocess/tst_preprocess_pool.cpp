// Tests of PreprocessPool: same pixels as the single-image function, order, failures, cancel, threads.
#include "preprocess/preprocess_pool.h"

#include "preprocess/image_preprocessor.h"
#include "common/stage.h"
#include "test_images.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::PreprocessOptions)

namespace {
PreprocessOptions randomCropOptions()
{
    PreprocessOptions options;
    options.width = 160;
    options.height = 128;
    options.crop = PreprocessOptions::Crop::RandomResized;
    options.horizontalFlip = true;
    return options;
}

PreprocessOptions grayCentreOptions()
{
    PreprocessOptions options;
    options.width = 64;
    options.height = 64;
    options.color = PreprocessOptions::Color::Gray;
    return options;
}

QByteArray slice(const PreparedBatch &batch, int i, qint64 sampleBytes)
{
    return batch.pixels.mid(qsizetype(i * sampleBytes), qsizetype(sampleBytes));
}

QByteArray pixelBytes(const cv::Mat &image)
{
    return QByteArray(reinterpret_cast<const char *>(image.data), qsizetype(image.total() * image.elemSize()));
}
} // namespace

class TestPreprocessPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void threadCount();
    void matchesSingleImage_data();
    void matchesSingleImage();
    void failingSamplesAreReported();
    void stageTimes();
    void cancelled();
    void invalidOptions();
    void emptyBatch();
    void concurrentCallers();

private:
    QTemporaryDir m_dir;
    std::vector<SampleRef> m_samples; // the real photographs, labels 0.., indices spread out
};

void TestPreprocessPool::initTestCase()
{
    const QStringList photos = TestImages::naturePhotos();
    QVERIFY2(photos.size() >= 8,
             "the photographs come from Debian's mate-backgrounds package: apt-get install mate-backgrounds");
    for (int i = 0; i < photos.size(); ++i)
        m_samples.push_back({photos[i], qint32(i % 5), quint64(1000 + 7 * i)});
}

void TestPreprocessPool::threadCount()
{
    QCOMPARE(PreprocessPool(3).threadCount(), 3);
    QCOMPARE(PreprocessPool().threadCount(), std::max(1, QThread::idealThreadCount()));
}

void TestPreprocessPool::matchesSingleImage_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<PreprocessOptions>("options");
    QTest::newRow("1 thread, random crop") << 1 << randomCropOptions();
    QTest::newRow("2 threads, random crop") << 2 << randomCropOptions();
    QTest::newRow("3 threads, gray centre") << 3 << grayCentreOptions();
}

void TestPreprocessPool::matchesSingleImage()
{
    QFETCH(int, threads);
    QFETCH(PreprocessOptions, options);
    PreprocessPool pool(threads);
    const quint64 seedBase = 99;
    const PreparedBatch batch = pool.processBatch(m_samples, options, seedBase);
    QCOMPARE(batch.count(), int(m_samples.size()));
    QVERIFY(batch.failures.empty());
    QVERIFY(!batch.cancelled);
    QCOMPARE(batch.channels, options.channels());
    QCOMPARE(batch.height, options.height);
    QCOMPARE(batch.width, options.width);
    QCOMPARE(qint64(batch.pixels.size()), options.sampleBytes() * qint64(m_samples.size()));
    for (size_t i = 0; i < m_samples.size(); ++i) {
        const SampleRef &sample = m_samples[i];
        QCOMPARE(batch.labels[i], sample.label);
        QCOMPARE(batch.indices[i], sample.index);
        const PreprocessResult single =
            ImagePreprocessor::preprocessFile(sample.path, options, PreprocessPool::sampleSeed(seedBase, sample.index));
        QVERIFY2(single.ok(), qPrintable(single.error));
        QCOMPARE(batch.contentIds[i], single.contentId);
        QVERIFY2(slice(batch, int(i), options.sampleBytes()) == pixelBytes(single.image), qPrintable(sample.path));
    }
    // Another seed base gives other random crops.
    if (options.crop == PreprocessOptions::Crop::RandomResized)
        QVERIFY(pool.processBatch(m_samples, options, seedBase + 1).pixels != batch.pixels);
}

void TestPreprocessPool::failingSamplesAreReported()
{
    const QString empty = m_dir.filePath(QStringLiteral("empty.jpg"));
    const QString truncated = m_dir.filePath(QStringLiteral("truncated.jpg"));
    const QByteArray photo = TestImages::readFile(m_samples[0].path);
    QVERIFY(TestImages::writeFile(empty, {}));
    QVERIFY(TestImages::writeFile(truncated, photo.left(photo.size() / 3)));

    std::vector<SampleRef> samples = m_samples;
    samples.insert(samples.begin() + 2, {empty, 77, 5});
    samples.insert(samples.begin() + 6, {truncated, 78, 6});
    samples.push_back({m_dir.filePath(QStringLiteral("gone.png")), 79, 7});

    const PreprocessOptions options = randomCropOptions();
    PreprocessPool pool(2);
    const PreparedBatch batch = pool.processBatch(samples, options, 5);
    QCOMPARE(batch.count(), int(m_samples.size()));
    QCOMPARE(qint64(batch.pixels.size()), options.sampleBytes() * qint64(m_samples.size()));
    QCOMPARE(batch.failures.size(), size_t(3));
    QCOMPARE(batch.failures[0].path, empty);
    QCOMPARE(batch.failures[0].reason, QStringLiteral("empty file"));
    QCOMPARE(batch.failures[1].path, truncated);
    QCOMPARE(batch.failures[1].reason, QStringLiteral("corrupt or truncated JPEG"));
    QCOMPARE(batch.failures[2].reason, QStringLiteral("unreadable: no such file or directory"));
    // The good ones keep their order, labels and pixels.
    for (size_t i = 0; i < m_samples.size(); ++i) {
        QCOMPARE(batch.labels[i], m_samples[i].label);
        const PreprocessResult single = ImagePreprocessor::preprocessFile(
            m_samples[i].path, options, PreprocessPool::sampleSeed(5, m_samples[i].index));
        QVERIFY(slice(batch, int(i), options.sampleBytes()) == pixelBytes(single.image));
    }
}

void TestPreprocessPool::stageTimes()
{
    PreprocessPool pool(2);
    const qint64 before = protocol::monotonicNs();
    const PreparedBatch batch = pool.processBatch(m_samples, randomCropOptions(), 1);
    const qint64 after = protocol::monotonicNs();
    QVERIFY(batch.readBusyNs > 0 && batch.decodeBusyNs > 0 && batch.transformBusyNs > 0);
    for (auto [start, end] :
         {std::pair{batch.readStartNs, batch.readEndNs}, std::pair{batch.decodeStartNs, batch.decodeEndNs},
          std::pair{batch.transformStartNs, batch.transformEndNs}}) {
        QVERIFY(before <= start && start < end && end <= after);
    }
    QVERIFY(batch.readStartNs < batch.decodeStartNs);
    QVERIFY(batch.decodeStartNs < batch.transformStartNs);
    QVERIFY(batch.decodeEndNs < batch.transformEndNs);
    // Busy time is summed over two threads, so it cannot exceed twice the wall time.
    QVERIFY(batch.readBusyNs + batch.decodeBusyNs + batch.transformBusyNs <= 2 * (after - before));
}

void TestPreprocessPool::cancelled()
{
    PreprocessPool pool(2);
    const std::atomic<bool> cancel{true};
    const PreparedBatch batch = pool.processBatch(m_samples, randomCropOptions(), 1, &cancel);
    QVERIFY(batch.cancelled);
    QCOMPARE(batch.count(), 0);
    QVERIFY(batch.pixels.isEmpty());
    QVERIFY(batch.failures.empty());
    // The pool is still usable.
    const PreparedBatch next = pool.processBatch(m_samples, randomCropOptions(), 1);
    QCOMPARE(next.count(), int(m_samples.size()));
}

void TestPreprocessPool::invalidOptions()
{
    PreprocessPool pool(1);
    PreprocessOptions options;
    options.width = 0;
    const PreparedBatch batch = pool.processBatch(m_samples, options, 1);
    QCOMPARE(batch.count(), 0);
    QCOMPARE(batch.failures.size(), m_samples.size());
    QCOMPARE(batch.failures.front().reason, QStringLiteral("invalid options: width 0 is out of 1..4096"));
}

void TestPreprocessPool::emptyBatch()
{
    PreprocessPool pool(2);
    const PreparedBatch batch = pool.processBatch({}, grayCentreOptions(), 1);
    QCOMPARE(batch.count(), 0);
    QCOMPARE(batch.channels, 1);
    QCOMPARE(batch.width, 64);
}

void TestPreprocessPool::concurrentCallers()
{
    // A producer thread runs batches while this (the "UI") thread previews single images, and a
    // second producer shares the pool: every result is still exactly the reference.
    PreprocessPool pool(2);
    const PreprocessOptions options = randomCropOptions();
    const PreparedBatch reference = pool.processBatch(m_samples, options, 21);
    QCOMPARE(reference.count(), int(m_samples.size()));
    std::atomic<int> mismatches{0};
    auto producer = [&] {
        for (int round = 0; round < 3; ++round) {
            if (pool.processBatch(m_samples, options, 21).pixels != reference.pixels)
                ++mismatches;
        }
    };
    std::thread first(producer);
    std::thread second(producer);
    const PreprocessResult preview = ImagePreprocessor::preprocessFile(
        m_samples[3].path, options, PreprocessPool::sampleSeed(21, m_samples[3].index));
    int previewMismatches = 0;
    for (int round = 0; round < 6; ++round) {
        const PreprocessResult again = ImagePreprocessor::preprocessFile(
            m_samples[3].path, options, PreprocessPool::sampleSeed(21, m_samples[3].index));
        if (pixelBytes(again.image) != slice(reference, 3, options.sampleBytes()))
            ++previewMismatches;
    }
    first.join();
    second.join();
    QVERIFY(preview.ok());
    QCOMPARE(previewMismatches, 0);
    QCOMPARE(mismatches.load(), 0);
}

QTEST_GUILESS_MAIN(TestPreprocessPool)
#include "tst_preprocess_pool.moc"
