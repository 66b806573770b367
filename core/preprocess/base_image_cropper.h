// Executes the per-epoch part of preprocessing on a base image: crop box, resize to the training size, flip.
#pragma once

#include "preprocess/base_image_plan.h"
#include "preprocess/preprocess_options.h"

#include <opencv2/core/mat.hpp>

namespace tandem {

// The client's (OpenCV) execution of AugmentParams, for the preview and for a client-side crop; the
// agent executes the same parameters on the device. Sampling as ImagePreprocessor's: bilinear on the
// exact sub-pixel box, INTER_AREA on its whole pixels when it shrinks by 2× or more.
class BaseImageCropper {
public:
    BaseImageCropper() = delete;

    // base: CV_8UC3 or CV_8UC1 (any channel order: it is kept). Returns options.height × options.width;
    // into destination (options.sampleBytes() bytes) when given. Throws only what OpenCV throws.
    [[nodiscard]] static cv::Mat apply(const cv::Mat &base, const AugmentParams &params,
                                       const PreprocessOptions &options, uchar *destination = nullptr);
};

} // namespace tandem
