// Tests of colab_agent/base_image_decoder: a batch of real base images (mate-backgrounds photographs
// through the client's BaseImageBuilder) in each codec decoded in parallel to the right pixels, and bad
// payloads (truncated, garbage, wrong size, wrong codec) reported one by one with the sample they came
// from, while the rest of the batch decodes.
#include "base_image_decoder.h"

#include "preprocess/base_image_builder.h"
#include "test_images.h"

#include <QElapsedTimer>
#include <QTest>

using namespace tandem;
using tandem::agent::BaseImageDecoder;
using tandem::agent::CachedImage;
using tandem::agent::DecodedBatch;

namespace {

struct Original {
    QByteArray pixels; // packed
    CachedImage jpeg;
    CachedImage png;
    CachedImage raw;
};

QVector<Original> realBases()
{
    QVector<Original> bases;
    PreprocessOptions options;
    options.width = 224;
    options.height = 224;
    for (const QString &path : TestImages::naturePhotos()) {
        const BaseImageResult base = BaseImageBuilder::build(TestImages::readFile(path), options);
        if (!base.ok())
            continue;
        const ImageView view{base.image.data, base.image.cols, base.image.rows, base.image.channels(),
                             qsizetype(base.image.step[0])};
        Original o;
        o.pixels = QByteArray(reinterpret_cast<const char *>(base.image.data),
                              qsizetype(base.image.total() * base.image.elemSize()));
        const auto make = [&](ImageCodec::Codec codec) {
            return CachedImage{codec, view.width, view.height, view.channels, ImageCodec::encode(view, codec).bytes};
        };
        o.jpeg = make(ImageCodec::Codec::Jpeg);
        o.png = make(ImageCodec::Codec::Lossless);
        o.raw = make(ImageCodec::Codec::Raw);
        bases.push_back(o);
    }
    return bases;
}

} // namespace

class TestBaseImageDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesEveryCodec();
    void badPayloadsReportedPerSample();
    void emptyBatch();
    void throughput();

private:
    QVector<Original> m_bases;
};

void TestBaseImageDecoder::initTestCase()
{
    if (TestImages::naturePhotos().size() < 4)
        QSKIP("install mate-backgrounds");
    m_bases = realBases();
    QVERIFY(m_bases.size() >= 4);
    for (const Original &o : std::as_const(m_bases))
        QVERIFY(!o.jpeg.bytes.isEmpty() && !o.png.bytes.isEmpty() && o.raw.bytes == o.pixels);
}

void TestBaseImageDecoder::decodesEveryCodec()
{
    BaseImageDecoder decoder(3);
    QCOMPARE(decoder.threads(), 3);
    QVector<CachedImage> batch;
    for (const Original &o : std::as_const(m_bases))
        batch << o.jpeg << o.png << o.raw;
    const DecodedBatch decoded = decoder.decode(batch);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.images.size(), batch.size());
    for (int i = 0; i < batch.size(); ++i) {
        const Original &o = m_bases[i / 3];
        const DecodedImage &image = decoded.images[i];
        QCOMPARE(image.width, batch[i].width);
        QCOMPARE(image.height, batch[i].height);
        QCOMPARE(image.channels, batch[i].channels);
        if (batch[i].codec != ImageCodec::Codec::Jpeg) {
            QVERIFY(image.pixels == o.pixels); // lossless
        } else {
            qint64 total = 0;
            for (qsizetype b = 0; b < o.pixels.size(); ++b)
                total += std::abs(int(uchar(image.pixels[b])) - int(uchar(o.pixels[b])));
            QVERIFY(double(total) / double(o.pixels.size()) < 4.0); // JPEG at 90
        }
    }
}

void TestBaseImageDecoder::badPayloadsReportedPerSample()
{
    BaseImageDecoder decoder;
    QVector<CachedImage> batch;
    QVector<quint64> ids;
    for (int i = 0; i < 6; ++i) {
        batch << m_bases[i % m_bases.size()].jpeg;
        ids << 0x1000 + quint64(i);
    }
    batch[1].bytes.truncate(batch[1].bytes.size() / 2); // truncated JPEG
    batch[2].bytes = QByteArray(4000, '\x5a');          // not a JPEG at all
    batch[3].width += 8;                                // a real JPEG of another size
    batch[5] = m_bases[0].raw;                          // raw with a byte missing
    batch[5].bytes.chop(1);
    const DecodedBatch decoded = decoder.decode(batch, ids);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.failures.size(), 4);
    QCOMPARE(decoded.failures[0].index, 1);
    QCOMPARE(decoded.failures[1].index, 2);
    QCOMPARE(decoded.failures[2].index, 3);
    QCOMPARE(decoded.failures[3].index, 5);
    QCOMPARE(decoded.failures[1].error, ImageCodec::Error::NotJpeg);
    QCOMPARE(decoded.failures[2].error, ImageCodec::Error::DimensionMismatch);
    QVERIFY(decoded.failures[3].error == ImageCodec::Error::Truncated ||
            decoded.failures[3].error == ImageCodec::Error::WrongSize);
    QCOMPARE(decoded.failures[2].contentId, quint64(0x1003));
    for (const auto &failure : decoded.failures) {
        QVERIFY2(failure.message.startsWith(QStringLiteral("sample %1 (content id %2): ")
                                                .arg(failure.index)
                                                .arg(failure.contentId, 16, 16, QLatin1Char('0'))),
                 qPrintable(failure.message));
        QVERIFY(decoded.images[failure.index].pixels.isEmpty());
    }
    QVERIFY2(decoded.failures[2].message.contains(QStringLiteral("expected")), qPrintable(decoded.failures[2].message));
    QVERIFY(!decoded.images[0].pixels.isEmpty());
    QVERIFY(!decoded.images[4].pixels.isEmpty());
}

void TestBaseImageDecoder::emptyBatch()
{
    BaseImageDecoder decoder(1);
    QCOMPARE(decoder.threads(), 1); // the caller alone
    const DecodedBatch decoded = decoder.decode({});
    QVERIFY(decoded.ok());
    QVERIFY(decoded.images.isEmpty());
}

void TestBaseImageDecoder::throughput()
{
    // A figure, not a gate: JPEG base images per second, one thread against the default pool.
    QVector<CachedImage> batch;
    for (int r = 0; r < 16; ++r)
        for (const Original &o : std::as_const(m_bases))
            batch << o.jpeg;
    double perSecond[2] = {0, 0};
    int threads[2] = {0, 0};
    BaseImageDecoder one(1);
    BaseImageDecoder pool;
    BaseImageDecoder *decoders[2] = {&one, &pool};
    // Warmed up, then the best of three alternating runs each (the machine may be shared).
    for (int run = 0; run < 4; ++run) {
        for (int d = 0; d < 2; ++d) {
            QElapsedTimer timer;
            timer.start();
            const DecodedBatch decoded = decoders[d]->decode(batch);
            QVERIFY(decoded.ok());
            if (run > 0)
                perSecond[d] = std::max(perSecond[d], batch.size() / std::max(1e-9, timer.nsecsElapsed() / 1e9));
            threads[d] = decoders[d]->threads();
        }
    }
    qInfo("JPEG base images (%d×%d): %.0f/s with %d threads, %.0f/s with %d (ratio %.2f)", batch[0].width,
          batch[0].height, perSecond[0], threads[0], perSecond[1], threads[1], perSecond[1] / perSecond[0]);
}

QTEST_GUILESS_MAIN(TestBaseImageDecoder)
#include "tst_base_image_decoder.moc"
