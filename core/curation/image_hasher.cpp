#include "curation/image_hasher.h"

#include "preprocess/image_preprocessor.h"
#include "preprocess/image_probe.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentMap>

#include <opencv2/core.hpp>
#include <opencv2/img_hash/phash.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bitset>

namespace tandem {

namespace {
constexpr int kChunk = 256;                // files per parallel batch: cancel and progress between batches
constexpr int kGrayChannelDelta = 12;      // channel difference still counted as grey (JPEG chroma noise)
constexpr double kGrayColourShare = 0.005; // at most this share of coloured pixels in a grey image

bool isGrayscale(const cv::Mat &bgr)
{
    if (bgr.channels() == 1)
        return true;
    qint64 coloured = 0;
    for (int y = 0; y < bgr.rows; ++y) {
        const auto *row = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < bgr.cols; ++x) {
            const int b = row[x][0], g = row[x][1], r = row[x][2];
            if (std::abs(b - g) > kGrayChannelDelta || std::abs(g - r) > kGrayChannelDelta ||
                std::abs(b - r) > kGrayChannelDelta)
                ++coloured;
        }
    }
    return double(coloured) <= kGrayColourShare * double(bgr.total());
}

int decodeFlags(const ImageHeader &header)
{
    if (header.format != ImageFormat::Jpeg)
        return cv::IMREAD_COLOR;
    const int shorter = std::min(header.width, header.height);
    if (shorter >= 8 * ImageHasher::kHashSide)
        return cv::IMREAD_REDUCED_COLOR_8;
    if (shorter >= 4 * ImageHasher::kHashSide)
        return cv::IMREAD_REDUCED_COLOR_4;
    if (shorter >= 2 * ImageHasher::kHashSide)
        return cv::IMREAD_REDUCED_COLOR_2;
    return cv::IMREAD_COLOR;
}
} // namespace

int ImageHasher::hammingDistance(quint64 a, quint64 b)
{
    return int(std::bitset<64>(a ^ b).count());
}

quint64 ImageHasher::contentHashOfFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("unreadable: %1").arg(file.errorString());
        return 0;
    }
    return ImagePreprocessor::contentId(file.readAll());
}

ImageHashes ImageHasher::hashFile(const QString &path)
{
    QFile file(path);
    ImageHashes result;
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("unreadable: %1").arg(file.errorString());
        return result;
    }
    if (file.size() > kMaxFileBytes) {
        result.fileBytes = file.size();
        result.error = QStringLiteral("file too large (%1 bytes)").arg(file.size());
        return result;
    }
    return hashBytes(file.readAll());
}

ImageHashes ImageHasher::hashBytes(const QByteArray &bytes)
{
    ImageHashes result;
    result.fileBytes = bytes.size();
    if (bytes.isEmpty()) {
        result.error = QStringLiteral("empty file");
        return result;
    }
    result.contentHash = ImagePreprocessor::contentId(bytes);
    const ImageHeader header = ImageProbe::probe(bytes);
    if (!header.ok()) {
        result.error = header.error.isEmpty() ? QStringLiteral("not a readable image") : header.error;
        return result;
    }
    result.size = header.orientedSize();
    if (header.pixels() > kMaxPixels) {
        result.error = QStringLiteral("too many pixels (%1 × %2)").arg(header.width).arg(header.height);
        return result;
    }
    if (header.format == ImageFormat::Jpeg && !ImageProbe::jpegIsComplete(bytes)) {
        result.error = QStringLiteral("corrupt or truncated JPEG");
        return result;
    }
    cv::Mat image;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        image = cv::imdecode(buffer, decodeFlags(header));
        if (image.empty()) {
            result.error = QStringLiteral("cannot decode the %1 image")
                               .arg(QString::fromLatin1(ImageProbe::formatName(header.format)));
            return result;
        }
        image = ImagePreprocessor::applyOrientation(image, header.orientation);
        // PHash keeps no state between calls, but its object is not documented thread-safe: one per thread.
        thread_local cv::Ptr<cv::img_hash::PHash> hasher = cv::img_hash::PHash::create();
        cv::Mat hash;
        hasher->compute(image, hash);
        if (hash.total() != 8 || hash.type() != CV_8U) {
            result.error = QStringLiteral("perceptual hash failed");
            return result;
        }
        for (int i = 0; i < 8; ++i)
            result.perceptualHash = (result.perceptualHash << 8) | hash.at<uchar>(i);
        cv::Mat grey;
        if (image.channels() == 1)
            grey = image;
        else
            cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
        if (grey.depth() != CV_8U)
            grey.convertTo(grey, CV_8U, grey.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
        constexpr int side = ImageHashes::kThumbnailSide;
        cv::Mat thumbnail;
        cv::resize(grey, thumbnail, cv::Size(side, side), 0, 0, cv::INTER_AREA);
        for (int row = 0; row < side; ++row)
            std::copy_n(thumbnail.ptr<quint8>(row), side, result.thumbnail.begin() + row * side);
    } catch (const cv::Exception &e) {
        result.error = QStringLiteral("cannot decode: %1").arg(QString::fromStdString(e.msg));
        return result;
    }
    result.grayscale = isGrayscale(image);
    result.decoded = true;
    return result;
}

std::vector<ImageHashes> ImageHasher::hashAll(const QStringList &paths, const std::atomic<bool> *cancel,
                                              const std::function<void(qint64, qint64)> &progress)
{
    std::vector<ImageHashes> results(size_t(paths.size()));
    const qint64 total = paths.size();
    for (qint64 start = 0; start < total; start += kChunk) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            for (qint64 i = start; i < total; ++i)
                results[size_t(i)].error = QStringLiteral("cancelled");
            break;
        }
        const QStringList chunk = paths.mid(start, kChunk);
        const QList<ImageHashes> hashed =
            QtConcurrent::blockingMapped(chunk, [](const QString &path) { return hashFile(path); });
        for (qsizetype i = 0; i < hashed.size(); ++i)
            results[size_t(start + i)] = hashed.at(i);
        if (progress)
            progress(std::min(total, start + kChunk), total);
    }
    return results;
}

} // namespace tandem
