// Real images for the dataset and preprocessing tests, and the crafted broken ones.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <opencv2/core/mat.hpp>

// Photographs come from Debian's mate-backgrounds package; the broken files are made from them.
class TestImages {
public:
    TestImages() = delete;

    static constexpr const char *kNatureDir = "/usr/share/backgrounds/mate/nature";

    // Sorted paths of the JPEG photographs; empty when mate-backgrounds is not installed.
    [[nodiscard]] static QStringList naturePhotos();
    [[nodiscard]] static QString photo(const char *fileName); // a path in kNatureDir
    [[nodiscard]] static QByteArray readFile(const QString &path);
    [[nodiscard]] static bool writeFile(const QString &path, const QByteArray &bytes);

    // A photograph decoded (BGR) and scaled with INTER_AREA so that its longer side is maxSide.
    [[nodiscard]] static cv::Mat loadPhoto(const char *fileName, int maxSide);
    // cv::imencode to ".png", ".jpg", ".bmp", ".webp", ".tiff".
    [[nodiscard]] static QByteArray encode(const cv::Mat &image, const char *extension, int jpegQuality = 95);

    // The JPEG with an EXIF APP1 segment holding only an Orientation tag, right after SOI.
    [[nodiscard]] static QByteArray withExifOrientation(const QByteArray &jpeg, int orientation,
                                                        bool bigEndian = false);
    // A valid PNG signature and IHDR (correct CRC) for a width × height RGB image, and no pixels.
    [[nodiscard]] static QByteArray pngHeaderOnly(quint32 width, quint32 height);
    // A real JPEG whose frame header (SOF) is patched to claim width × height.
    [[nodiscard]] static QByteArray jpegClaimingSize(const QByteArray &jpeg, quint16 width, quint16 height);

    // Paints a filled square of colour (B, G, R) centred at (x, y) with the given half size.
    static void paintSquare(cv::Mat &image, int x, int y, int half, const cv::Scalar &bgr);
};
