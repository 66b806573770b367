// Turns one image file (or its bytes) into a uint8 tensor of the configured size: pure and thread-safe.
#pragma once

#include "preprocess/image_probe.h"
#include "preprocess/preprocess_options.h"

#include <QByteArray>
#include <QRectF>
#include <QSize>
#include <QString>

#include <opencv2/core/mat.hpp>

namespace tandem {

struct PreprocessResult {
    // CV_8UC3 in RGB order (converted from OpenCV's BGR exactly once) or CV_8UC1; exactly
    // height × width and continuous. Empty when error is set.
    cv::Mat image;
    QString error;          // specific: "corrupt or truncated JPEG", "empty file", ...
    quint64 contentId = 0;  // XXH3-64 of the file's bytes
    qint64 readNs = 0;      // reading the file and hashing it
    qint64 decodeNs = 0;    // header probe, structure check, cv::imdecode
    qint64 transformNs = 0; // crop, resize, orientation, flip, colour order
    // When each stage began, on tandem::protocol::monotonicNs()'s timeline; 0 if never reached.
    qint64 readStartNs = 0;
    qint64 decodeStartNs = 0;
    qint64 transformStartNs = 0;
    QSize originalSize; // as displayed (EXIF orientation applied), full resolution
    ImageFormat format = ImageFormat::Unknown;
    int reduction = 1; // the JPEG DCT scaling denominator used by the decode (1, 2, 4, 8)

    [[nodiscard]] bool ok() const { return error.isEmpty() && !image.empty(); }
};

// Where the output comes from in the oriented, full-resolution image, and whether it is mirrored.
struct CropPlan {
    QRectF region;
    bool flip = false;
};

// Decode (reduced-resolution for JPEG when it loses nothing at the output size), EXIF orientation,
// colour, centre or random-resized crop, resize and flip. Random choices come only from
// randomSeed: the same seed gives the same output. Never throws; failures come back in error.
class ImagePreprocessor {
public:
    ImagePreprocessor() = delete;

    // destination, when given, receives the pixels (options.sampleBytes() bytes) and result.image
    // refers to it without owning it; this lets the pool write straight into a batch.
    [[nodiscard]] static PreprocessResult preprocessFile(const QString &path, const PreprocessOptions &options,
                                                         quint64 randomSeed, uchar *destination = nullptr);
    [[nodiscard]] static PreprocessResult preprocessBytes(const QByteArray &bytes, const PreprocessOptions &options,
                                                          quint64 randomSeed, uchar *destination = nullptr);

    // The crop and flip that preprocessing applies to an image of this (oriented) size.
    [[nodiscard]] static CropPlan planCrop(QSize orientedSize, const PreprocessOptions &options, quint64 randomSeed);

    // Applies an EXIF orientation (1..8) to a decoded image, as a viewer displays it.
    [[nodiscard]] static cv::Mat applyOrientation(const cv::Mat &image, int orientation);

    // Why a probed image is refused before any pixel is decoded (over maxPixels, a truncated JPEG, over
    // 2 GiB); empty when it may be decoded. Shared with BaseImageBuilder, so both refuse alike.
    [[nodiscard]] static QString refuseBeforeDecode(const ImageHeader &header, const QByteArray &bytes,
                                                    const PreprocessOptions &options);

    // XXH3-64 of the bytes: the content id carried on the wire.
    [[nodiscard]] static quint64 contentId(QByteArrayView bytes);
};

// The names the session codes against.
[[nodiscard]] inline PreprocessResult preprocessFile(const QString &path, const PreprocessOptions &options,
                                                     quint64 randomSeed)
{
    return ImagePreprocessor::preprocessFile(path, options, randomSeed);
}

[[nodiscard]] inline PreprocessResult preprocessBytes(const QByteArray &bytes, const PreprocessOptions &options,
                                                      quint64 randomSeed)
{
    return ImagePreprocessor::preprocessBytes(bytes, options, randomSeed);
}

} // namespace tandem
