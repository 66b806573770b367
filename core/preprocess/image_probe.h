// Header-only inspection of JPEG, PNG, BMP, WebP and TIFF bytes: format, size, EXIF orientation.
#pragma once

#include <QByteArrayView>
#include <QSize>
#include <QString>
#include <QtGlobal>

namespace tandem {

enum class ImageFormat : quint8 { Unknown = 0, Jpeg, Png, Bmp, WebP, Tiff };

struct ImageHeader {
    ImageFormat format = ImageFormat::Unknown;
    int width = 0; // as stored, before orientation
    int height = 0;
    int orientation = 1;      // EXIF orientation 1..8 (JPEG APP1); 1 for every other format
    bool progressive = false; // JPEG: progressive scans (reduced decoding saves little on them)
    QString error;            // specific: "corrupt PNG header", "truncated JPEG header"

    [[nodiscard]] bool ok() const { return error.isEmpty() && width > 0 && height > 0; }
    [[nodiscard]] qint64 pixels() const { return qint64(width) * height; }
    [[nodiscard]] bool transposed() const { return orientation >= 5; }
    // The size as displayed, after the EXIF orientation is applied.
    [[nodiscard]] QSize orientedSize() const { return transposed() ? QSize(height, width) : QSize(width, height); }
};

// OpenCV 4.6 has no way to read an image's size without decoding it (cv::ImageCollection and
// imreadmulti's header access came later, and neither reads from memory), and a decompression
// bomb must be refused before cv::imdecode allocates its pixels. Hence this small parser. Every
// read is bounds-checked: the input is untrusted.
class ImageProbe {
public:
    static constexpr int kSniffBytes = 32; // enough for every magic number recognised here

    // The format from the magic number alone.
    [[nodiscard]] static ImageFormat sniff(QByteArrayView head);
    // Why a file whose magic number is not a supported image is left out: "unsupported format GIF",
    // "unsupported format .heic", "not an image (starts with %PDF)".
    [[nodiscard]] static QString describeUnsupported(QByteArrayView head, const QString &fileName);

    // Reads the header only. Needs the bytes up to the size fields (for JPEG: up to the frame
    // header, after any EXIF segment).
    [[nodiscard]] static ImageHeader probe(QByteArrayView bytes);

    // The largest JPEG DCT scaling denominator (1, 2, 4 or 8) for which the region of the image
    // that will be used (in oriented, full-resolution pixels) still has at least outWidth ×
    // outHeight pixels after reduction. 1 for every format other than JPEG.
    [[nodiscard]] static int reductionFactor(const ImageHeader &header, double regionWidth, double regionHeight,
                                             int outWidth, int outHeight);

    // libjpeg (and so OpenCV) decodes a truncated JPEG without an error, filling the rest with grey.
    // This walks the segments and the entropy-coded data for the end-of-image marker: a memchr-speed
    // pass over the bytes, far cheaper than decoding. Bytes after the marker are allowed.
    [[nodiscard]] static bool jpegIsComplete(QByteArrayView bytes);

    [[nodiscard]] static const char *formatName(ImageFormat format);
};

} // namespace tandem
