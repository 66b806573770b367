#include "preprocess/base_image_plan.h"

#include "preprocess/image_preprocessor.h"

#include <algorithm>
#include <cmath>

namespace tandem {

QSize BaseImagePlan::baseSize(QSize orientedSource, const PreprocessOptions &options)
{
    const double w = std::max(1, orientedSource.width());
    const double h = std::max(1, orientedSource.height());
    const double shorter = std::ceil(kCoverage * std::max(options.width, options.height));
    double scale = shorter / std::min(w, h);
    if (options.crop == PreprocessOptions::Crop::Center) {
        // planCrop's own centre-crop scale: at it, the crop is exactly W × H source-resized pixels.
        const double resize =
            options.resizeShorter > 0 ? options.resizeShorter : std::max(options.width, options.height);
        scale = std::max({scale, resize / std::min(w, h), options.width / w, options.height / h});
    }
    scale = std::min({scale, 1.0, kMaxBaseSide / std::max(w, h)});
    if (scale >= 1.0)
        return QSize(int(w), int(h));
    // Rounded up, so that the centre crop's box is never a fraction of a pixel short of W × H.
    return QSize(std::clamp(int(std::ceil(w * scale - 1e-9)), 1, int(w)),
                 std::clamp(int(std::ceil(h * scale - 1e-9)), 1, int(h)));
}

DctScale BaseImagePlan::dctScale(QSize storedSource, QSize neededStored, const QVector<DctScale> &available)
{
    DctScale best{1, 1};
    for (const DctScale &scale : available) {
        if (scale.num > scale.denom || scale.num < 1)
            continue; // upscaling decodes help nothing here
        const bool covers = scale.scaled(storedSource.width()) >= neededStored.width() &&
                            scale.scaled(storedSource.height()) >= neededStored.height();
        if (covers && qint64(scale.num) * best.denom < qint64(best.num) * scale.denom)
            best = scale;
    }
    return best;
}

AugmentParams BaseImagePlan::augmentParams(QSize orientedSource, QSize base, const PreprocessOptions &options,
                                           quint64 randomSeed)
{
    const CropPlan plan = ImagePreprocessor::planCrop(orientedSource, options, randomSeed);
    const double sx = double(base.width()) / std::max(1, orientedSource.width());
    const double sy = double(base.height()) / std::max(1, orientedSource.height());
    const QRectF &r = plan.region;
    return {QRectF(r.left() * sx, r.top() * sy, r.width() * sx, r.height() * sy), plan.flip};
}

} // namespace tandem
