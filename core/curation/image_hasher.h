// Content hash, perceptual hash and the simple statistics of image files, in parallel with cancel.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <array>
#include <atomic>
#include <functional>
#include <vector>

namespace tandem {

struct ImageHashes {
    quint64 contentHash = 0;    // XXH3-64 of the file's bytes (ImagePreprocessor::contentId)
    quint64 perceptualHash = 0; // cv::img_hash::PHash, 64 bits; valid only when decoded
    // The oriented image as 16 × 16 grey levels (area-averaged), row by row: what confirms a pHash
    // match pixel by pixel, where the 64 bits alone cannot tell small, similar images apart.
    static constexpr int kThumbnailSide = 16;
    std::array<quint8, kThumbnailSide * kThumbnailSide> thumbnail{};
    bool decoded = false;
    QSize size;             // as stored in the header; empty when unreadable
    bool grayscale = false; // every pixel has (nearly) equal channels
    qint64 fileBytes = 0;
    QString error; // "empty file", "corrupt or truncated JPEG", ...

    [[nodiscard]] bool ok() const { return error.isEmpty() && decoded; }
};

// Pure and thread-safe. Decodes at reduced resolution (JPEG DCT scaling) since the perceptual
// hash only looks at a 32 × 32 greyscale version.
class ImageHasher {
public:
    ImageHasher() = delete;

    static constexpr qint64 kMaxFileBytes = 256LL << 20;
    static constexpr qint64 kMaxPixels = 100'000'000; // decompression-bomb guard, on the header
    static constexpr int kHashSide = 64;              // the decode is kept at least this large

    [[nodiscard]] static ImageHashes hashFile(const QString &path);
    [[nodiscard]] static ImageHashes hashBytes(const QByteArray &bytes);
    // Just the content hash (no decode): for a quick exact-duplicate pass.
    [[nodiscard]] static quint64 contentHashOfFile(const QString &path, QString *error = nullptr);

    // One result per path, in order, computed on the global thread pool. progress(done, total) is
    // called on the calling thread. On cancel the results hold what was done, the rest are empty
    // with error "cancelled".
    [[nodiscard]] static std::vector<ImageHashes> hashAll(const QStringList &paths,
                                                          const std::atomic<bool> *cancel = nullptr,
                                                          const std::function<void(qint64, qint64)> &progress = {});

    [[nodiscard]] static int hammingDistance(quint64 a, quint64 b);
};

} // namespace tandem
