#include "test_images.h"

#include <QDir>
#include <QFile>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <zlib.h>

#include <vector>

QStringList TestImages::naturePhotos()
{
    QStringList paths;
    const QDir dir(QString::fromLatin1(kNatureDir));
    for (const QString &name : dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name))
        paths << dir.filePath(name);
    return paths;
}

QString TestImages::photo(const char *fileName)
{
    return QDir(QString::fromLatin1(kNatureDir)).filePath(QString::fromLatin1(fileName));
}

QByteArray TestImages::readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool TestImages::writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

cv::Mat TestImages::loadPhoto(const char *fileName, int maxSide)
{
    const cv::Mat full = cv::imread(photo(fileName).toStdString(), cv::IMREAD_COLOR);
    if (full.empty())
        return full;
    const double scale = double(maxSide) / std::max(full.cols, full.rows);
    cv::Mat scaled;
    cv::resize(full, scaled, cv::Size(int(std::lround(full.cols * scale)), int(std::lround(full.rows * scale))), 0, 0,
               cv::INTER_AREA);
    return scaled;
}

QByteArray TestImages::encode(const cv::Mat &image, const char *extension, int jpegQuality)
{
    std::vector<uchar> bytes;
    std::vector<int> params;
    if (QByteArray(extension) == ".jpg")
        params = {cv::IMWRITE_JPEG_QUALITY, jpegQuality};
    if (!cv::imencode(extension, image, bytes, params))
        return {};
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

QByteArray TestImages::withExifOrientation(const QByteArray &jpeg, int orientation, bool bigEndian)
{
    auto u16 = [bigEndian](QByteArray &out, quint16 v) {
        if (bigEndian) {
            out.append(char(v >> 8)).append(char(v & 0xFF));
        } else {
            out.append(char(v & 0xFF)).append(char(v >> 8));
        }
    };
    auto u32 = [&](QByteArray &out, quint32 v) {
        if (bigEndian) {
            u16(out, quint16(v >> 16));
            u16(out, quint16(v & 0xFFFF));
        } else {
            u16(out, quint16(v & 0xFFFF));
            u16(out, quint16(v >> 16));
        }
    };
    QByteArray tiff;
    tiff.append(bigEndian ? "MM" : "II", 2);
    u16(tiff, 42);
    u32(tiff, 8);      // IFD0 right after the header
    u16(tiff, 1);      // one entry
    u16(tiff, 0x0112); // Orientation
    u16(tiff, 3);      // SHORT
    u32(tiff, 1);
    u16(tiff, quint16(orientation));
    u16(tiff, 0); // padding of the 4-byte value field
    u32(tiff, 0); // no next IFD
    QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment("\xFF\xE1", 2);
    const int length = int(payload.size()) + 2;
    segment.append(char(length >> 8)).append(char(length & 0xFF));
    segment += payload;
    return jpeg.left(2) + segment + jpeg.mid(2);
}

QByteArray TestImages::pngHeaderOnly(quint32 width, quint32 height)
{
    QByteArray chunk("IHDR", 4);
    for (quint32 v : {width, height})
        chunk.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
    chunk.append(char(8)).append(char(2)).append(char(0)).append(char(0)).append(char(0)); // 8-bit RGB
    const uLong crc = crc32(0, reinterpret_cast<const Bytef *>(chunk.constData()), uInt(chunk.size()));
    QByteArray png("\x89PNG\r\n\x1A\n", 8);
    png.append(QByteArray("\0\0\0\x0D", 4)).append(chunk);
    png.append(char(crc >> 24)).append(char(crc >> 16)).append(char(crc >> 8)).append(char(crc));
    return png;
}

QByteArray TestImages::jpegClaimingSize(const QByteArray &jpeg, quint16 width, quint16 height)
{
    QByteArray patched = jpeg;
    for (qsizetype i = 2; i + 9 < patched.size();) {
        const auto marker = uchar(patched[i + 1]);
        const int length = (uchar(patched[i + 2]) << 8) | uchar(patched[i + 3]);
        if (marker >= 0xC0 && marker <= 0xC2) {
            patched[i + 5] = char(height >> 8);
            patched[i + 6] = char(height & 0xFF);
            patched[i + 7] = char(width >> 8);
            patched[i + 8] = char(width & 0xFF);
            return patched;
        }
        i += 2 + length;
    }
    return {};
}

void TestImages::paintSquare(cv::Mat &image, int x, int y, int half, const cv::Scalar &bgr)
{
    cv::rectangle(image, cv::Point(x - half, y - half), cv::Point(x + half, y + half), bgr, cv::FILLED);
}
