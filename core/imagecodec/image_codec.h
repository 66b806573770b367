// Encodes and decodes one uint8 image (HWC, gray or RGB) for the wire: raw, lossless (PNG) or JPEG.
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace tandem {

// Borrowed pixels: height rows of width × channels bytes, stride bytes apart (0 means packed).
struct ImageView {
    const uchar *data = nullptr;
    int width = 0;
    int height = 0;
    int channels = 0; // 1 (gray) or 3 (RGB)
    qsizetype stride = 0;

    [[nodiscard]] qsizetype rowBytes() const { return qsizetype(width) * channels; }
    [[nodiscard]] qsizetype effectiveStride() const { return stride > 0 ? stride : rowBytes(); }
};

// Packed pixels owned by the result (height × width × channels bytes, no padding).
struct DecodedImage {
    QByteArray pixels;
    int width = 0;
    int height = 0;
    int channels = 0;

    [[nodiscard]] ImageView view() const
    {
        return {reinterpret_cast<const uchar *>(pixels.constData()), width, height, channels, 0};
    }
};

// What the receiver knows the image must be (from the session's base size and colour).
struct ExpectedImage {
    int width = 0;
    int height = 0;
    int channels = 0;
};

class ImageCodec {
public:
    ImageCodec() = delete;

    enum class Codec : quint8 { Raw = 0, Lossless = 1, Jpeg = 2 };
    enum class Error : quint8 {
        None,
        InvalidArgument,   // a bad view, an unknown codec, a quality outside 1..100
        TooLarge,          // the expected image exceeds the decode limit (checked before allocating)
        WrongSize,         // a raw payload of the wrong byte count
        Truncated,         // the payload ends before the image does
        NotJpeg,           // the payload is not a JPEG stream
        NotPng,            // the payload is not a PNG stream
        DimensionMismatch, // a well-formed image, but not the expected width, height or channels
        Corrupt,           // the decoder rejected the data
    };

    static constexpr int kDefaultJpegQuality = 90;
    // The largest image a decode allocates (64 MiB = a 4096 × 4096 RGB base image, PROTOCOL's maxImageSide).
    static constexpr qint64 kMaxDecodedBytes = 4096LL * 4096 * 3;

    struct EncodeResult {
        QByteArray bytes;
        Error error = Error::None;
        QString message;
        [[nodiscard]] bool ok() const { return error == Error::None; }
    };
    struct DecodeResult {
        DecodedImage image;
        Error error = Error::None;
        QString message; // specific: "JPEG is 300×200, expected 256×256"
        [[nodiscard]] bool ok() const { return error == Error::None; }
    };

    // quality is used by Jpeg only (1..100). RGB JPEGs use 4:2:0 chroma subsampling, gray ones none.
    [[nodiscard]] static EncodeResult encode(const ImageView &image, Codec codec, int quality = kDefaultJpegQuality);
    // Never allocates more than the expected image (itself at most maxDecodedBytes); never throws.
    [[nodiscard]] static DecodeResult decode(const QByteArray &bytes, Codec codec, const ExpectedImage &expected,
                                             qint64 maxDecodedBytes = kMaxDecodedBytes);

    [[nodiscard]] static const char *codecName(Codec codec); // "raw", "lossless", "jpeg"
    [[nodiscard]] static const char *errorName(Error error); // "truncated", ...
};

} // namespace tandem
