// Flags images that are unreadable, tiny, huge, extremely elongated, or grey in a colour dataset.
#pragma once

#include "curation/image_hasher.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace tandem {

enum class ImageIssue : quint32 {
    None = 0,
    Unreadable = 1 << 0,
    Tiny = 1 << 1,
    Huge = 1 << 2,
    ExtremeAspect = 1 << 3,
    GrayInColour = 1 << 4,
};

struct IssueThresholds {
    // Tiny: a shorter side below minSide AND below this share of the dataset's median shorter side,
    // so that a dataset of 28 × 28 images is not all tiny, while a thumbnail among photos is.
    int minSide = 32;
    double tinyShareOfMedian = 0.5;
    qint64 maxPixels = 40'000'000;   // more is huge (slow to decode, likely a scan or a panorama)
    double maxAspect = 4.0;          // longer / shorter side above this is extreme
    double colourDatasetShare = 0.8; // grey images are flagged when at least this share is colour
};

// Pure: one bit set per entry (ImageIssue values or'ed together).
class ImageIssueFlagger {
public:
    ImageIssueFlagger() = delete;

    [[nodiscard]] static std::vector<quint32> flag(const std::vector<ImageHashes> &hashes,
                                                   const IssueThresholds &thresholds = {});
    [[nodiscard]] static bool has(quint32 flags, ImageIssue issue) { return (flags & quint32(issue)) != 0; }
    // "tiny, grey in a colour dataset"; empty for none.
    [[nodiscard]] static QString describe(quint32 flags);
};

} // namespace tandem
