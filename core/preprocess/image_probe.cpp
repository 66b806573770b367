#include "preprocess/image_probe.h"

#include <QFileInfo>
#include <QMimeDatabase>
#include <QMimeType>
#include <QStringList>

#include <array>
#include <climits>
#include <cstring>

namespace tandem {

namespace {

// Bounds-checked reads from untrusted bytes; every accessor reports whether the bytes were there.
class ByteReader {
public:
    explicit ByteReader(QByteArrayView bytes)
        : m_data(reinterpret_cast<const uchar *>(bytes.data())), m_size(bytes.size())
    {
    }

    [[nodiscard]] qsizetype size() const { return m_size; }
    [[nodiscard]] bool has(qsizetype offset, qsizetype count) const
    {
        return offset >= 0 && count >= 0 && offset <= m_size && count <= m_size - offset;
    }
    [[nodiscard]] uchar u8(qsizetype offset) const { return m_data[offset]; }
    [[nodiscard]] quint32 be16(qsizetype offset) const { return quint32(m_data[offset]) << 8 | m_data[offset + 1]; }
    [[nodiscard]] quint32 le16(qsizetype offset) const { return quint32(m_data[offset + 1]) << 8 | m_data[offset]; }
    [[nodiscard]] quint32 be32(qsizetype offset) const { return be16(offset) << 16 | be16(offset + 2); }
    [[nodiscard]] quint32 le32(qsizetype offset) const { return le16(offset + 2) << 16 | le16(offset); }
    [[nodiscard]] quint32 le24(qsizetype offset) const
    {
        return quint32(m_data[offset + 2]) << 16 | quint32(m_data[offset + 1]) << 8 | m_data[offset];
    }
    [[nodiscard]] quint32 u16(qsizetype offset, bool bigEndian) const
    {
        return bigEndian ? be16(offset) : le16(offset);
    }
    [[nodiscard]] quint32 u32(qsizetype offset, bool bigEndian) const
    {
        return bigEndian ? be32(offset) : le32(offset);
    }
    [[nodiscard]] bool matches(qsizetype offset, const char *text, qsizetype count) const
    {
        return has(offset, count) && std::memcmp(m_data + offset, text, size_t(count)) == 0;
    }
    [[nodiscard]] const uchar *data() const { return m_data; }

private:
    const uchar *m_data;
    qsizetype m_size;
};

ImageHeader failure(ImageFormat format, const QString &error)
{
    ImageHeader header;
    header.format = format;
    header.error = error;
    return header;
}

ImageHeader sized(ImageFormat format, quint32 width, quint32 height, const char *name)
{
    if (width == 0 || height == 0 || width > quint32(INT_MAX) || height > quint32(INT_MAX))
        return failure(
            format, QStringLiteral("corrupt %1 header (size %2×%3)").arg(QLatin1String(name)).arg(width).arg(height));
    ImageHeader header;
    header.format = format;
    header.width = int(width);
    header.height = int(height);
    return header;
}

ImageHeader truncated(ImageFormat format)
{
    return failure(format, QStringLiteral("truncated %1 header").arg(QLatin1String(ImageProbe::formatName(format))));
}

ImageHeader corrupt(ImageFormat format)
{
    return failure(format, QStringLiteral("corrupt %1 header").arg(QLatin1String(ImageProbe::formatName(format))));
}

// EXIF orientation from an APP1 payload ("Exif\0\0" + a TIFF structure); 1 when absent or invalid.
int exifOrientation(const ByteReader &segment)
{
    constexpr qsizetype kTiffStart = 6;
    if (!segment.matches(0, "Exif\0\0", 6) || !segment.has(kTiffStart, 8))
        return 1;
    bool bigEndian = false;
    if (segment.matches(kTiffStart, "MM", 2))
        bigEndian = true;
    else if (!segment.matches(kTiffStart, "II", 2))
        return 1;
    if (segment.u16(kTiffStart + 2, bigEndian) != 42)
        return 1;
    const qsizetype ifd = kTiffStart + qsizetype(segment.u32(kTiffStart + 4, bigEndian));
    if (!segment.has(ifd, 2))
        return 1;
    const quint32 entries = segment.u16(ifd, bigEndian);
    for (quint32 i = 0; i < entries; ++i) {
        const qsizetype entry = ifd + 2 + qsizetype(i) * 12;
        if (!segment.has(entry, 12))
            return 1;
        constexpr quint32 kOrientationTag = 0x0112;
        constexpr quint32 kTypeShort = 3;
        if (segment.u16(entry, bigEndian) == kOrientationTag) {
            if (segment.u16(entry + 2, bigEndian) != kTypeShort || segment.u32(entry + 4, bigEndian) < 1)
                return 1;
            const quint32 value = segment.u16(entry + 8, bigEndian);
            return value >= 1 && value <= 8 ? int(value) : 1;
        }
    }
    return 1;
}

bool isStandaloneJpegMarker(uchar marker)
{
    return marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7);
}

bool isStartOfFrame(uchar marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

ImageHeader probeJpeg(const ByteReader &in)
{
    constexpr auto kFormat = ImageFormat::Jpeg;
    int orientation = 1;
    bool exifSeen = false;
    qsizetype pos = 2;
    for (;;) {
        if (!in.has(pos, 1))
            return truncated(kFormat);
        if (in.u8(pos) != 0xFF)
            return corrupt(kFormat);
        while (in.has(pos, 1) && in.u8(pos) == 0xFF)
            ++pos;
        if (!in.has(pos, 1))
            return truncated(kFormat);
        const uchar marker = in.u8(pos++);
        if (isStandaloneJpegMarker(marker))
            continue;
        if (marker == 0xD9 || marker == 0xDA)
            return failure(kFormat, QStringLiteral("corrupt JPEG header (no frame header before the image data)"));
        if (!in.has(pos, 2))
            return truncated(kFormat);
        const qsizetype length = in.be16(pos);
        if (length < 2)
            return corrupt(kFormat);
        const qsizetype payload = pos + 2;
        if (isStartOfFrame(marker)) {
            if (length < 8)
                return corrupt(kFormat);
            if (!in.has(payload, 5))
                return truncated(kFormat);
            // Height 0 would be defined later by a DNL segment, which libjpeg does not support.
            ImageHeader header = sized(kFormat, in.be16(payload + 3), in.be16(payload + 1), "JPEG");
            if (header.ok()) {
                header.orientation = orientation;
                header.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            }
            return header;
        }
        if (marker == 0xE1 && !exifSeen && in.has(payload, length - 2)) {
            const ByteReader segment(QByteArrayView(in.data() + payload, length - 2));
            if (segment.matches(0, "Exif\0\0", 6)) {
                exifSeen = true; // like libjpeg-based readers, only the first EXIF segment counts
                orientation = exifOrientation(segment);
            }
        }
        pos = payload + length - 2;
    }
}

ImageHeader probePng(const ByteReader &in)
{
    constexpr auto kFormat = ImageFormat::Png;
    if (!in.has(8, 16))
        return truncated(kFormat);
    if (in.be32(8) != 13 || !in.matches(12, "IHDR", 4))
        return corrupt(kFormat);
    return sized(kFormat, in.be32(16), in.be32(20), "PNG");
}

ImageHeader probeBmp(const ByteReader &in)
{
    constexpr auto kFormat = ImageFormat::Bmp;
    if (!in.has(14, 4))
        return truncated(kFormat);
    const quint32 dibSize = in.le32(14);
    if (dibSize == 12) { // OS/2 BITMAPCOREHEADER: 16-bit sizes
        if (!in.has(18, 4))
            return truncated(kFormat);
        return sized(kFormat, in.le16(18), in.le16(20), "BMP");
    }
    if (dibSize < 40 || dibSize > 1024)
        return corrupt(kFormat);
    if (!in.has(18, 8))
        return truncated(kFormat);
    const auto width = qint32(in.le32(18));
    const auto height = qint32(in.le32(22)); // negative: rows stored top-down
    if (width <= 0 || height == 0 || height == INT_MIN)
        return corrupt(kFormat);
    return sized(kFormat, quint32(width), quint32(height < 0 ? -height : height), "BMP");
}

ImageHeader probeWebP(const ByteReader &in)
{
    constexpr auto kFormat = ImageFormat::WebP;
    if (!in.has(12, 4))
        return truncated(kFormat);
    if (in.matches(12, "VP8 ", 4)) { // lossy: frame tag, start code, 14-bit sizes
        if (!in.has(20, 10))
            return truncated(kFormat);
        if (in.u8(23) != 0x9D || in.u8(24) != 0x01 || in.u8(25) != 0x2A)
            return corrupt(kFormat);
        return sized(kFormat, in.le16(26) & 0x3FFF, in.le16(28) & 0x3FFF, "WebP");
    }
    if (in.matches(12, "VP8L", 4)) { // lossless: signature, then 14-bit sizes minus one
        if (!in.has(20, 5))
            return truncated(kFormat);
        if (in.u8(20) != 0x2F)
            return corrupt(kFormat);
        const quint32 bits = in.le32(21);
        return sized(kFormat, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP");
    }
    if (in.matches(12, "VP8X", 4)) { // extended: 24-bit canvas sizes minus one
        if (!in.has(24, 6))
            return truncated(kFormat);
        return sized(kFormat, in.le24(24) + 1, in.le24(27) + 1, "WebP");
    }
    return corrupt(kFormat);
}

ImageHeader probeTiff(const ByteReader &in)
{
    constexpr auto kFormat = ImageFormat::Tiff;
    const bool bigEndian = in.matches(0, "MM", 2);
    if (!in.has(4, 4))
        return truncated(kFormat);
    const qsizetype ifd = qsizetype(in.u32(4, bigEndian));
    if (ifd < 8)
        return corrupt(kFormat);
    if (!in.has(ifd, 2))
        return truncated(kFormat);
    const quint32 entries = in.u16(ifd, bigEndian);
    quint32 width = 0;
    quint32 height = 0;
    for (quint32 i = 0; i < entries && (width == 0 || height == 0); ++i) {
        const qsizetype entry = ifd + 2 + qsizetype(i) * 12;
        if (!in.has(entry, 12))
            return truncated(kFormat);
        constexpr quint32 kImageWidth = 256;
        constexpr quint32 kImageLength = 257;
        constexpr quint32 kTypeShort = 3;
        constexpr quint32 kTypeLong = 4;
        const quint32 tag = in.u16(entry, bigEndian);
        if (tag != kImageWidth && tag != kImageLength)
            continue;
        const quint32 type = in.u16(entry + 2, bigEndian);
        quint32 value = 0;
        if (type == kTypeShort)
            value = in.u16(entry + 8, bigEndian);
        else if (type == kTypeLong)
            value = in.u32(entry + 8, bigEndian);
        else
            return corrupt(kFormat);
        (tag == kImageWidth ? width : height) = value;
    }
    if (width == 0 || height == 0)
        return failure(kFormat, QStringLiteral("corrupt TIFF header (no image size)"));
    return sized(kFormat, width, height, "TIFF");
}

} // namespace

const char *ImageProbe::formatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::WebP: return "WebP";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::Unknown: break;
    }
    return "unknown";
}

ImageFormat ImageProbe::sniff(QByteArrayView head)
{
    const ByteReader in(head);
    if (in.matches(0, "\xFF\xD8\xFF", 3))
        return ImageFormat::Jpeg;
    if (in.matches(0, "\x89PNG\r\n\x1A\n", 8))
        return ImageFormat::Png;
    if (in.matches(0, "RIFF", 4) && in.matches(8, "WEBP", 4))
        return ImageFormat::WebP;
    if (in.matches(0, "II*\0", 4) || in.matches(0, "MM\0*", 4))
        return ImageFormat::Tiff;
    // "BM" alone would match text files; the DIB header size must be one of the known ones.
    if (in.matches(0, "BM", 2) && in.has(14, 4)) {
        static constexpr std::array<quint32, 7> kDibSizes{12, 40, 52, 56, 64, 108, 124};
        const quint32 dibSize = in.le32(14);
        for (quint32 size : kDibSizes) {
            if (dibSize == size)
                return ImageFormat::Bmp;
        }
    }
    return ImageFormat::Unknown;
}

QString ImageProbe::describeUnsupported(QByteArrayView head, const QString &fileName)
{
    const ByteReader in(head);
    if (in.size() == 0)
        return QStringLiteral("empty file");
    auto unsupported = [](const char *what) {
        return QStringLiteral("unsupported format %1").arg(QLatin1String(what));
    };
    if (in.matches(0, "GIF8", 4))
        return unsupported("GIF");
    if (in.matches(0, "II+\0", 4) || in.matches(0, "MM\0+", 4))
        return unsupported("BigTIFF");
    if (in.matches(0, "8BPS", 4))
        return unsupported("PSD");
    if (in.matches(0, "\0\0\1\0", 4))
        return unsupported("ICO");
    if (in.matches(0, "\0\0\0\x0CjP  ", 8) || in.matches(0, "\xFF\x4F\xFF\x51", 4))
        return unsupported("JPEG 2000");
    if (in.matches(0, "\xFF\x0A", 2) || in.matches(0, "\0\0\0\x0CJXL ", 8))
        return unsupported("JPEG XL");
    if (in.matches(4, "ftypavif", 8) || in.matches(4, "ftypavis", 8))
        return unsupported("AVIF");
    if (in.matches(4, "ftypheic", 8) || in.matches(4, "ftypheix", 8) || in.matches(4, "ftypmif1", 8) ||
        in.matches(4, "ftyphevc", 8) || in.matches(4, "ftypmsf1", 8))
        return unsupported("HEIF");
    static const QStringList kImageSuffixes{
        QStringLiteral("gif"), QStringLiteral("heic"), QStringLiteral("heif"), QStringLiteral("avif"),
        QStringLiteral("jxl"), QStringLiteral("jp2"),  QStringLiteral("ico"),  QStringLiteral("psd"),
        QStringLiteral("svg"), QStringLiteral("tga"),  QStringLiteral("pgm"),  QStringLiteral("ppm"),
        QStringLiteral("pbm"), QStringLiteral("pnm"),  QStringLiteral("exr"),  QStringLiteral("hdr"),
        QStringLiteral("dng"), QStringLiteral("cr2"),  QStringLiteral("nef"),  QStringLiteral("arw")};
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (kImageSuffixes.contains(suffix))
        return QStringLiteral("unsupported format .%1").arg(suffix);
    // What it is, by Qt's copy of the freedesktop.org MIME database (a library, not a list of our
    // own), from the bytes alone: a name can lie ("notes.jpg"), and the file's content is never shown.
    const QMimeType type = QMimeDatabase().mimeTypeForData(head.toByteArray());
    if (type.name() == QLatin1String("application/pdf"))
        return QStringLiteral("not an image: a PDF document");
    if (type.inherits(QStringLiteral("text/plain")))
        return QStringLiteral("not an image: a text file");
    if (!type.isValid() || type.isDefault())
        return QStringLiteral("not an image: unrecognised data");
    return QStringLiteral("not an image: %1 (%2)").arg(type.comment(), type.name());
}

ImageHeader ImageProbe::probe(QByteArrayView bytes)
{
    const ByteReader in(bytes);
    switch (sniff(bytes)) {
    case ImageFormat::Jpeg: return probeJpeg(in);
    case ImageFormat::Png: return probePng(in);
    case ImageFormat::Bmp: return probeBmp(in);
    case ImageFormat::WebP: return probeWebP(in);
    case ImageFormat::Tiff: return probeTiff(in);
    case ImageFormat::Unknown: break;
    }
    return failure(ImageFormat::Unknown, describeUnsupported(bytes, QString()));
}

int ImageProbe::reductionFactor(const ImageHeader &header, double regionWidth, double regionHeight, int outWidth,
                                int outHeight)
{
    if (header.format != ImageFormat::Jpeg || outWidth < 1 || outHeight < 1)
        return 1;
    // libjpeg rounds reduced sizes up, so region / factor is a lower bound of what it delivers.
    for (int factor : {8, 4, 2}) {
        if (regionWidth / factor >= outWidth && regionHeight / factor >= outHeight)
            return factor;
    }
    return 1;
}

bool ImageProbe::jpegIsComplete(QByteArrayView bytes)
{
    const ByteReader in(bytes);
    if (!in.matches(0, "\xFF\xD8", 2))
        return false;
    qsizetype pos = 2;
    for (;;) {
        if (!in.has(pos, 1) || in.u8(pos) != 0xFF)
            return false;
        while (in.has(pos, 1) && in.u8(pos) == 0xFF)
            ++pos;
        if (!in.has(pos, 1))
            return false;
        const uchar marker = in.u8(pos++);
        if (marker == 0xD9)
            return true;
        if (isStandaloneJpegMarker(marker))
            continue;
        if (!in.has(pos, 2))
            return false;
        const qsizetype length = in.be16(pos);
        if (length < 2 || !in.has(pos, length))
            return false;
        pos += length;
        if (marker != 0xDA)
            continue;
        // Entropy-coded data: 0xFF is followed by 0x00 (stuffing), a restart marker, or fill bytes;
        // anything else is the next marker.
        for (;;) {
            const void *found = std::memchr(in.data() + pos, 0xFF, size_t(in.size() - pos));
            if (!found)
                return false;
            pos = static_cast<const uchar *>(found) - in.data();
            if (!in.has(pos + 1, 1))
                return false;
            const uchar next = in.u8(pos + 1);
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
                pos += 2;
            else if (next == 0xFF)
                pos += 1;
            else
                break;
        }
    }
}

} // namespace tandem
