#include "preprocess/base_image_cropper.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace tandem {

namespace {
// As ImagePreprocessor's: below this downscale ratio bilinear sampling reads every pixel that matters.
constexpr double kAreaInterpolationRatio = 2.0;
} // namespace

cv::Mat BaseImageCropper::apply(const cv::Mat &base, const AugmentParams &params, const PreprocessOptions &options,
                                uchar *destination)
{
    const cv::Size out(options.width, options.height);
    const int type = base.channels() == 3 ? CV_8UC3 : CV_8UC1;
    cv::Mat target = destination ? cv::Mat(out, type, destination) : cv::Mat(out, type);
    const QRectF &box = params.box;
    const double ratio = std::min(box.width() / out.width, box.height() / out.height);
    cv::Mat resized = params.flip ? cv::Mat() : target;
    if (ratio >= kAreaInterpolationRatio) {
        const int x0 = std::clamp(int(std::lround(box.left())), 0, base.cols - 1);
        const int y0 = std::clamp(int(std::lround(box.top())), 0, base.rows - 1);
        const int x1 = std::clamp(int(std::lround(box.right())), x0 + 1, base.cols);
        const int y1 = std::clamp(int(std::lround(box.bottom())), y0 + 1, base.rows);
        cv::resize(base(cv::Rect(x0, y0, x1 - x0, y1 - y0)), resized, out, 0, 0, cv::INTER_AREA);
    } else {
        const double kx = box.width() / out.width;
        const double ky = box.height() / out.height;
        const cv::Matx23d toSource(kx, 0, box.left() + 0.5 * kx - 0.5, 0, ky, box.top() + 0.5 * ky - 0.5);
        cv::warpAffine(base, resized, toSource, out, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    }
    if (params.flip)
        cv::flip(resized, target, 1);
    return target;
}

} // namespace tandem
