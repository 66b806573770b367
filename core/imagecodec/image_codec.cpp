#include "imagecodec/image_codec.h"

#include <png.h>
#include <turbojpeg.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

namespace tandem {

namespace {

using Codec = ImageCodec::Codec;
using Error = ImageCodec::Error;

// JPEG and PNG both store 16-bit dimensions at most in practice (JPEG's SOF is 16-bit).
constexpr int kMaxSide = 65535;
// A PNG stream ends with an empty IEND chunk: length 0, "IEND", CRC.
constexpr unsigned char kPngEnd[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

ImageCodec::EncodeResult encodeError(Error error, const QString &message)
{
    ImageCodec::EncodeResult result;
    result.error = error;
    result.message = message;
    return result;
}

ImageCodec::DecodeResult decodeError(Error error, const QString &message)
{
    ImageCodec::DecodeResult result;
    result.error = error;
    result.message = message;
    return result;
}

QString dims(int width, int height, int channels)
{
    return QStringLiteral("%1×%2×%3").arg(width).arg(height).arg(channels);
}

bool startsWith(const QByteArray &bytes, const unsigned char *prefix, int size)
{
    return bytes.size() >= size && std::memcmp(bytes.constData(), prefix, size_t(size)) == 0;
}

bool endsWith(const QByteArray &bytes, const unsigned char *suffix, int size)
{
    return bytes.size() >= size && std::memcmp(bytes.constData() + bytes.size() - size, suffix, size_t(size)) == 0;
}

struct TjDeleter {
    void operator()(void *handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

QString tjMessage(void *handle)
{
    return QString::fromLocal8Bit(tjGetErrorStr2(handle));
}

ImageCodec::EncodeResult encodeRaw(const ImageView &image)
{
    ImageCodec::EncodeResult result;
    const qsizetype row = image.rowBytes();
    result.bytes.resize(row * image.height);
    for (int y = 0; y < image.height; ++y)
        std::memcpy(result.bytes.data() + y * row, image.data + y * image.effectiveStride(), size_t(row));
    return result;
}

// PNG rather than zlib over hand-filtered rows: libpng is a tested, bounded decoder (its simplified
// API reads, below) with a CRC per chunk, and the payload is a file any tool can open. The write uses
// libpng's full API, because the simplified one offers no compression level: its default took 57 ms per
// 459×258 RGB base here (its FAST flag: 12 ms for 1.4× less than raw), too slow for a desktop that
// encodes every sample once. Measured (bench-base-images, 16 photos' 224 px bases, mean of 314 KB raw):
// Up + zlib 1: 165 KB, 3.7 ms encode, 1.7 ms decode; Paeth + 1: 158 KB, 4.7 ms; Paeth + 3: 154 KB,
// 7.3 ms; all filters + 3: 151 KB, 9.1 ms; Paeth + 6: 142 KB, 27 ms. Up + 1 is the knee.
constexpr int kPngFilter = PNG_FILTER_UP;
constexpr int kPngLevel = 1;

void pngAppend(png_structp png, png_bytep data, png_size_t size)
{
    static_cast<QByteArray *>(png_get_io_ptr(png))->append(reinterpret_cast<const char *>(data), qsizetype(size));
}

void pngFlush(png_structp) {}

[[noreturn]] void pngError(png_structp png, png_const_charp message)
{
    auto *error = static_cast<char *>(png_get_error_ptr(png));
    std::snprintf(error, 256, "%s", message);
    png_longjmp(png, 1);
}

void pngWarning(png_structp, png_const_charp) {}

// libpng reports errors by longjmp: no object with a destructor lives in this frame (out and error
// belong to the caller).
bool writePng(const ImageView &image, QByteArray *out, char *error)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, error, pngError, pngWarning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return false;
    }
    png_set_write_fn(png, out, pngAppend, pngFlush);
    png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8,
                 image.channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, kPngFilter);
    png_set_compression_level(png, kPngLevel);
    png_write_info(png, info);
    for (int y = 0; y < image.height; ++y)
        png_write_row(png, image.data + y * image.effectiveStride());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

ImageCodec::EncodeResult encodeLossless(const ImageView &image)
{
    ImageCodec::EncodeResult result;
    result.bytes.reserve(image.rowBytes() * image.height / 2 + 1024);
    char error[256] = "out of memory";
    if (!writePng(image, &result.bytes, error))
        return encodeError(Error::Corrupt, QStringLiteral("PNG encoding failed: %1").arg(QString::fromLatin1(error)));
    return result;
}

ImageCodec::EncodeResult encodeJpeg(const ImageView &image, int quality)
{
    const TjHandle handle(tjInitCompress());
    if (!handle)
        return encodeError(Error::Corrupt, QStringLiteral("TurboJPEG: %1").arg(tjMessage(nullptr)));
    const bool rgb = image.channels == 3;
    const int subsampling = rgb ? TJSAMP_420 : TJSAMP_GRAY;
    ImageCodec::EncodeResult result;
    // Encode straight into a buffer of the worst-case size, then shrink it: no second copy.
    result.bytes.resize(qsizetype(tjBufSize(image.width, image.height, subsampling)));
    auto *buffer = reinterpret_cast<unsigned char *>(result.bytes.data());
    unsigned long size = 0;
    if (tjCompress2(handle.get(), image.data, image.width, int(image.effectiveStride()), image.height,
                    rgb ? TJPF_RGB : TJPF_GRAY, &buffer, &size, subsampling, quality, TJFLAG_NOREALLOC) != 0)
        return encodeError(Error::Corrupt, QStringLiteral("JPEG encoding failed: %1").arg(tjMessage(handle.get())));
    result.bytes.resize(qsizetype(size));
    return result;
}

ImageCodec::DecodeResult decodeRaw(const QByteArray &bytes, const ExpectedImage &expected, qint64 expectedBytes)
{
    if (bytes.size() != expectedBytes) {
        return decodeError(bytes.size() < expectedBytes ? Error::Truncated : Error::WrongSize,
                           QStringLiteral("raw image is %1 bytes, expected %2 = %3 bytes")
                               .arg(bytes.size())
                               .arg(dims(expected.width, expected.height, expected.channels))
                               .arg(expectedBytes));
    }
    ImageCodec::DecodeResult result;
    result.image = {bytes, expected.width, expected.height, expected.channels};
    return result;
}

ImageCodec::DecodeResult decodeLossless(const QByteArray &bytes, const ExpectedImage &expected, qint64 expectedBytes)
{
    if (!startsWith(bytes, kPngSignature, sizeof kPngSignature))
        return decodeError(Error::NotPng, QStringLiteral("not a PNG stream (no PNG signature)"));
    if (!endsWith(bytes, kPngEnd, sizeof kPngEnd))
        return decodeError(Error::Truncated,
                           QStringLiteral("truncated PNG (%1 bytes, no IEND chunk at the end)").arg(bytes.size()));
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes.constData(), size_t(bytes.size()))) {
        const QString message = QString::fromLatin1(png.message);
        png_image_free(&png);
        return decodeError(Error::Corrupt, QStringLiteral("corrupt PNG: %1").arg(message));
    }
    const int channels = (png.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
    const bool alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    // Checked on the header, before the pixels are allocated.
    if (int(png.width) != expected.width || int(png.height) != expected.height || channels != expected.channels ||
        alpha) {
        const QString found = dims(int(png.width), int(png.height), channels + (alpha ? 1 : 0));
        png_image_free(&png);
        return decodeError(Error::DimensionMismatch,
                           QStringLiteral("PNG is %1, expected %2")
                               .arg(found, dims(expected.width, expected.height, expected.channels)));
    }
    png.format = expected.channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    ImageCodec::DecodeResult result;
    result.image.pixels.resize(qsizetype(expectedBytes));
    if (!png_image_finish_read(&png, nullptr, result.image.pixels.data(), 0, nullptr)) {
        const QString message = QString::fromLatin1(png.message);
        png_image_free(&png);
        return decodeError(Error::Corrupt, QStringLiteral("corrupt PNG: %1").arg(message));
    }
    png_image_free(&png);
    result.image.width = expected.width;
    result.image.height = expected.height;
    result.image.channels = expected.channels;
    return result;
}

ImageCodec::DecodeResult decodeJpeg(const QByteArray &bytes, const ExpectedImage &expected, qint64 expectedBytes)
{
    static constexpr unsigned char kSoi[2] = {0xFF, 0xD8};
    static constexpr unsigned char kEoi[2] = {0xFF, 0xD9};
    if (!startsWith(bytes, kSoi, 2))
        return decodeError(Error::NotJpeg, QStringLiteral("not a JPEG stream (no start-of-image marker)"));
    if (!endsWith(bytes, kEoi, 2))
        return decodeError(Error::Truncated,
                           QStringLiteral("truncated JPEG (%1 bytes, no end-of-image marker)").arg(bytes.size()));
    const TjHandle handle(tjInitDecompress());
    if (!handle)
        return decodeError(Error::Corrupt, QStringLiteral("TurboJPEG: %1").arg(tjMessage(nullptr)));
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.constData());
    const auto size = static_cast<unsigned long>(bytes.size());
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), data, size, &width, &height, &subsampling, &colorspace) != 0)
        return decodeError(Error::Corrupt, QStringLiteral("corrupt JPEG header: %1").arg(tjMessage(handle.get())));
    if (width < 1 || height < 1) // a tables-only stream: markers, but no frame
        return decodeError(Error::Corrupt, QStringLiteral("corrupt JPEG header: no frame (image size 0)"));
    const int channels = colorspace == TJCS_GRAY ? 1 : 3;
    if (width != expected.width || height != expected.height || channels != expected.channels) {
        return decodeError(
            Error::DimensionMismatch,
            QStringLiteral("JPEG is %1, expected %2")
                .arg(dims(width, height, channels), dims(expected.width, expected.height, expected.channels)));
    }
    ImageCodec::DecodeResult result;
    result.image.pixels.resize(qsizetype(expectedBytes));
    // STOPONWARNING: a corrupt entropy-coded segment is an error here, not a grey patch to train on.
    if (tjDecompress2(handle.get(), data, size, reinterpret_cast<unsigned char *>(result.image.pixels.data()), width, 0,
                      height, channels == 3 ? TJPF_RGB : TJPF_GRAY, TJFLAG_STOPONWARNING) != 0)
        return decodeError(Error::Corrupt, QStringLiteral("corrupt JPEG: %1").arg(tjMessage(handle.get())));
    result.image.width = width;
    result.image.height = height;
    result.image.channels = channels;
    return result;
}

} // namespace

ImageCodec::EncodeResult ImageCodec::encode(const ImageView &image, Codec codec, int quality)
{
    if (!image.data || image.width < 1 || image.height < 1 || image.width > kMaxSide || image.height > kMaxSide ||
        (image.channels != 1 && image.channels != 3) || image.effectiveStride() < image.rowBytes())
        return encodeError(Error::InvalidArgument,
                           QStringLiteral("cannot encode a %1 image with stride %2 (1 or 3 channels, sides 1..%3)")
                               .arg(dims(image.width, image.height, image.channels))
                               .arg(image.stride)
                               .arg(kMaxSide));
    switch (codec) {
    case Codec::Raw: return encodeRaw(image);
    case Codec::Lossless: return encodeLossless(image);
    case Codec::Jpeg:
        if (quality < 1 || quality > 100)
            return encodeError(Error::InvalidArgument, QStringLiteral("JPEG quality %1 is out of 1..100").arg(quality));
        return encodeJpeg(image, quality);
    }
    return encodeError(Error::InvalidArgument, QStringLiteral("unknown codec %1").arg(int(codec)));
}

ImageCodec::DecodeResult ImageCodec::decode(const QByteArray &bytes, Codec codec, const ExpectedImage &expected,
                                            qint64 maxDecodedBytes)
{
    if (expected.width < 1 || expected.height < 1 || expected.width > kMaxSide || expected.height > kMaxSide ||
        (expected.channels != 1 && expected.channels != 3))
        return decodeError(Error::InvalidArgument, QStringLiteral("cannot decode into a %1 image")
                                                       .arg(dims(expected.width, expected.height, expected.channels)));
    const qint64 expectedBytes = qint64(expected.width) * expected.height * expected.channels;
    if (expectedBytes > maxDecodedBytes)
        return decodeError(Error::TooLarge, QStringLiteral("a %1 image is %2 bytes, over the %3-byte decode limit")
                                                .arg(dims(expected.width, expected.height, expected.channels))
                                                .arg(expectedBytes)
                                                .arg(maxDecodedBytes));
    if (bytes.isEmpty())
        return decodeError(Error::Truncated, QStringLiteral("empty %1 payload").arg(QLatin1String(codecName(codec))));
    switch (codec) {
    case Codec::Raw: return decodeRaw(bytes, expected, expectedBytes);
    case Codec::Lossless: return decodeLossless(bytes, expected, expectedBytes);
    case Codec::Jpeg: return decodeJpeg(bytes, expected, expectedBytes);
    }
    return decodeError(Error::InvalidArgument, QStringLiteral("unknown codec %1").arg(int(codec)));
}

const char *ImageCodec::codecName(Codec codec)
{
    switch (codec) {
    case Codec::Raw: return "raw";
    case Codec::Lossless: return "lossless";
    case Codec::Jpeg: return "jpeg";
    }
    return "unknown";
}

const char *ImageCodec::errorName(Error error)
{
    switch (error) {
    case Error::None: return "none";
    case Error::InvalidArgument: return "invalid argument";
    case Error::TooLarge: return "too large";
    case Error::WrongSize: return "wrong size";
    case Error::Truncated: return "truncated";
    case Error::NotJpeg: return "not JPEG";
    case Error::NotPng: return "not PNG";
    case Error::DimensionMismatch: return "dimension mismatch";
    case Error::Corrupt: return "corrupt";
    }
    return "unknown";
}

} // namespace tandem
