// The geometry of base images: their size, the JPEG DCT scale that decodes them, and the per-epoch crop.
#pragma once

#include "common/augment_params.h"
#include "preprocess/preprocess_options.h"

#include <QRectF>
#include <QSize>
#include <QVector>
#include <QtGlobal>

namespace tandem {

// A JPEG DCT scaling factor num/denom, as libjpeg-turbo offers them (M/8).
struct DctScale {
    int num = 1;
    int denom = 1;

    // libjpeg rounds scaled sizes up (TJSCALED).
    [[nodiscard]] int scaled(int side) const { return int((qint64(side) * num + denom - 1) / denom); }
    [[nodiscard]] bool operator==(const DctScale &other) const
    {
        return qint64(num) * other.denom == qint64(other.num) * denom;
    }
};

// Preprocessing splits in two. The base image is the deterministic part (decode, EXIF orientation,
// colour, and a resize to a size that covers every crop), computed once per sample; the per-epoch part
// (crop box + flip, AugmentParams) is drawn by ImagePreprocessor::planCrop, the code that draws today's
// crops, and only rescaled into base-image pixels here. So the preview shows what trains either way.
//
// "Covers" means, for an oriented source of w × h and a training size of W × H:
//   - the base's shorter side is kCoverage × max(W, H) (so a crop spanning the whole shorter side,
//     such as RandomResizedCrop's largest, is sampled from 1.15× the output's pixels: no upsampling);
//   - a centre crop maps to a box of at least W × H base pixels, whatever resizeShorter asks;
//   - every crop box lies inside the base image;
//   - the base is never larger than the source (then the base is the source) nor than kMaxBaseSide.
// Small random-resized crops (scaleMin = 0.08 keeps 28 % of each side) are upsampled from the base,
// as with FFCV's capped-side stores; the accuracy test of issue 11 is what checks that trade.
class BaseImagePlan {
public:
    BaseImagePlan() = delete;

    static constexpr double kCoverage = 1.15;
    static constexpr int kMaxBaseSide = PreprocessOptions::kMaxSide; // the wire's maxImageSide

    // The base size (oriented) for an oriented source of this size.
    [[nodiscard]] static QSize baseSize(QSize orientedSource, const PreprocessOptions &options);

    // The smallest of the available scales (those ≤ 1 count) whose decode of a stored w × h JPEG is at
    // least needed (stored orientation) on both sides; 1/1 when none smaller is.
    [[nodiscard]] static DctScale dctScale(QSize storedSource, QSize neededStored, const QVector<DctScale> &available);

    // The crop and flip for this sample's seed, in base-image pixels.
    [[nodiscard]] static AugmentParams augmentParams(QSize orientedSource, QSize base, const PreprocessOptions &options,
                                                     quint64 randomSeed);
};

} // namespace tandem
