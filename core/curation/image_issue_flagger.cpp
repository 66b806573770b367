#include "curation/image_issue_flagger.h"

#include <algorithm>

namespace tandem {

std::vector<quint32> ImageIssueFlagger::flag(const std::vector<ImageHashes> &hashes, const IssueThresholds &thresholds)
{
    qint64 decoded = 0;
    qint64 colour = 0;
    for (const ImageHashes &h : hashes) {
        if (h.ok()) {
            ++decoded;
            colour += h.grayscale ? 0 : 1;
        }
    }
    const bool colourDataset = decoded > 0 && double(colour) >= thresholds.colourDatasetShare * double(decoded);
    std::vector<int> shorterSides;
    for (const ImageHashes &h : hashes)
        if (!h.size.isEmpty())
            shorterSides.push_back(std::min(h.size.width(), h.size.height()));
    double tinyBelow = thresholds.minSide;
    if (!shorterSides.empty()) {
        const auto middle = shorterSides.begin() + std::ptrdiff_t(shorterSides.size() / 2);
        std::nth_element(shorterSides.begin(), middle, shorterSides.end());
        tinyBelow = std::min(tinyBelow, thresholds.tinyShareOfMedian * double(*middle));
    }

    std::vector<quint32> flags(hashes.size(), 0);
    for (size_t i = 0; i < hashes.size(); ++i) {
        const ImageHashes &h = hashes[i];
        quint32 &f = flags[i];
        if (!h.ok()) {
            f |= quint32(ImageIssue::Unreadable);
            if (h.size.isEmpty())
                continue; // a bad header: nothing else is known
        }
        const int shorter = std::min(h.size.width(), h.size.height());
        const int longer = std::max(h.size.width(), h.size.height());
        if (shorter < tinyBelow)
            f |= quint32(ImageIssue::Tiny);
        if (qint64(h.size.width()) * h.size.height() > thresholds.maxPixels)
            f |= quint32(ImageIssue::Huge);
        if (shorter > 0 && double(longer) / shorter > thresholds.maxAspect)
            f |= quint32(ImageIssue::ExtremeAspect);
        if (h.ok() && h.grayscale && colourDataset)
            f |= quint32(ImageIssue::GrayInColour);
    }
    return flags;
}

QString ImageIssueFlagger::describe(quint32 flags)
{
    QStringList parts;
    if (has(flags, ImageIssue::Unreadable))
        parts << QStringLiteral("unreadable");
    if (has(flags, ImageIssue::Tiny))
        parts << QStringLiteral("tiny");
    if (has(flags, ImageIssue::Huge))
        parts << QStringLiteral("huge");
    if (has(flags, ImageIssue::ExtremeAspect))
        parts << QStringLiteral("extreme aspect ratio");
    if (has(flags, ImageIssue::GrayInColour))
        parts << QStringLiteral("grey in a colour dataset");
    return parts.join(QStringLiteral(", "));
}

} // namespace tandem
