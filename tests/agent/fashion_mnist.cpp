#include "fashion_mnist.h"

#include <QFile>
#include <QtEndian>

#include <zlib.h>

namespace {

std::optional<QByteArray> gunzip(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray compressed = file.readAll();
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) { // 16: expect a gzip header
        *error = QStringLiteral("zlib init failed");
        return std::nullopt;
    }
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    QByteArray out;
    char buffer[1 << 16];
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, qsizetype(sizeof buffer - stream.avail_out));
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END) {
        *error = QStringLiteral("%1 is not a complete gzip stream").arg(path);
        return std::nullopt;
    }
    return out;
}

} // namespace

std::optional<FashionMnist> FashionMnist::load(const QString &folder, const QString &set, QString *error)
{
    const auto images = gunzip(QStringLiteral("%1/%2-images-idx3-ubyte.gz").arg(folder, set), error);
    if (!images)
        return std::nullopt;
    const auto labels = gunzip(QStringLiteral("%1/%2-labels-idx1-ubyte.gz").arg(folder, set), error);
    if (!labels)
        return std::nullopt;
    // IDX: big-endian magic (0x803 images, 0x801 labels), counts, then raw bytes.
    constexpr int kImageHeader = 16;
    constexpr int kLabelHeader = 8;
    if (images->size() < kImageHeader || labels->size() < kLabelHeader ||
        qFromBigEndian<quint32>(images->constData()) != 0x803 ||
        qFromBigEndian<quint32>(labels->constData()) != 0x801) {
        *error = QStringLiteral("not IDX files");
        return std::nullopt;
    }
    const int count = int(qFromBigEndian<quint32>(images->constData() + 4));
    const int rows = int(qFromBigEndian<quint32>(images->constData() + 8));
    const int cols = int(qFromBigEndian<quint32>(images->constData() + 12));
    if (rows != kSide || cols != kSide || images->size() != kImageHeader + qsizetype(count) * kSide * kSide ||
        int(qFromBigEndian<quint32>(labels->constData() + 4)) != count || labels->size() != kLabelHeader + count) {
        *error = QStringLiteral("unexpected IDX sizes");
        return std::nullopt;
    }
    FashionMnist data;
    data.m_count = count;
    data.m_images = images->mid(kImageHeader);
    data.m_labels = labels->mid(kLabelHeader);
    return data;
}

const uchar *FashionMnist::image(int index) const
{
    return reinterpret_cast<const uchar *>(m_images.constData()) + qsizetype(index) * kSide * kSide;
}

tandem::protocol::Batch FashionMnist::batch(quint64 seq, quint32 epoch, tandem::protocol::Split split, int first,
                                            int count, int channels, int side) const
{
    tandem::protocol::Batch batch;
    batch.seq = seq;
    batch.epoch = epoch;
    batch.split = split;
    batch.channels = quint16(channels);
    batch.height = quint16(side);
    batch.width = quint16(side);
    batch.pixels.resize(qsizetype(count) * side * side * channels);
    uchar *out = reinterpret_cast<uchar *>(batch.pixels.data());
    for (int i = 0; i < count; ++i) {
        const int index = (first + i) % m_count;
        batch.labels.push_back(label(index));
        batch.contentIds.push_back(quint64(index));
        const uchar *source = image(index);
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
                const uchar value = source[(y * kSide / side) * kSide + (x * kSide / side)];
                if (channels == 3) {
                    *out++ = value;
                    *out++ = uchar(255 - value);
                    *out++ = uchar(value / 2);
                } else {
                    for (int c = 0; c < channels; ++c)
                        *out++ = value;
                }
            }
        }
    }
    return batch;
}

tandem::protocol::SessionConfig FashionMnist::sessionConfig(int batchSize, int channels)
{
    tandem::protocol::SessionConfig config;
    config.model = QStringLiteral("cnn");
    for (int i = 0; i < kClasses; ++i)
        config.classNames << QStringLiteral("class %1").arg(i);
    config.channels = channels;
    config.height = kSide;
    config.width = kSide;
    config.batchSize = batchSize;
    config.device = QStringLiteral("cpu");
    return config;
}
