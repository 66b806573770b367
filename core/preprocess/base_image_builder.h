// Turns one image's bytes into its base image: decode (DCT-scaled for JPEG), EXIF orientation, colour, resize.
#pragma once

#include "preprocess/base_image_plan.h"
#include "preprocess/image_probe.h"
#include "preprocess/preprocess_options.h"

#include <QByteArray>
#include <QSize>
#include <QString>
#include <QVector>

#include <opencv2/core/mat.hpp>

namespace tandem {

struct BaseImageResult {
    // CV_8UC3 in RGB order or CV_8UC1, oriented as displayed, exactly BaseImagePlan::baseSize() and
    // continuous. Empty when error is set.
    cv::Mat image;
    QString error;         // as ImagePreprocessor's: "corrupt or truncated JPEG", "image is … over the limit"
    quint64 contentId = 0; // XXH3-64 of the bytes
    QSize originalSize;    // oriented, full resolution
    ImageFormat format = ImageFormat::Unknown;
    DctScale dctScale;   // the JPEG decode's scale; 1/1 for other formats and full decodes
    qint64 decodeNs = 0; // probe, structure check, decode
    qint64 resizeNs = 0; // resize to the base size, orientation, colour order

    [[nodiscard]] bool ok() const { return error.isEmpty() && !image.empty(); }
};

// The deterministic, once-per-sample half of preprocessing (BaseImagePlan explains the split). JPEGs
// are decoded by TurboJPEG straight to RGB or gray at the smallest DCT scale that covers the base size,
// among defaultDctScales(): 1/8, 1/4, 1/2, 1/1, since the other M/8 scales measured slower than a full
// decode here (see there); any M/8 set can be passed. Other formats are decoded by OpenCV. Pure,
// thread-safe, never throws.
class BaseImageBuilder {
public:
    BaseImageBuilder() = delete;

    // scales: the DCT scales a JPEG may be decoded at (defaultDctScales() unless measuring).
    [[nodiscard]] static BaseImageResult build(const QByteArray &bytes, const PreprocessOptions &options,
                                               const QVector<DctScale> &scales = defaultDctScales());

    // The scales this libjpeg-turbo offers (tjGetScalingFactors), each ≤ 1 (1/8, 1/4, 3/8, … 1/1).
    [[nodiscard]] static const QVector<DctScale> &dctScales();
    // The scales build() picks from by default: the powers of two of dctScales(), libjpeg-turbo's SIMD ones.
    [[nodiscard]] static const QVector<DctScale> &defaultDctScales();
};

} // namespace tandem
