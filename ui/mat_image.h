// The one conversion from an OpenCV image to a QImage, for everything the widgets show.
#pragma once

#include <QImage>

#include <opencv2/core/mat.hpp>

namespace tandem {

// The order of a 3- or 4-channel cv::Mat: OpenCV decodes BGR(A); the thumbnails and the
// preprocessing give RGB.
enum class ChannelOrder { Bgr, Rgb };

// A deep copy (the QImage owns its pixels; the Mat may go): CV_8UC1 → Grayscale8, CV_8UC3 →
// RGB888, CV_8UC4 → ARGB32 (straight alpha), in the given channel order. Honours the row step,
// so a region of interest converts as itself. Any other type, or an empty Mat, gives a null image.
[[nodiscard]] QImage matToImage(const cv::Mat &mat, ChannelOrder order);

} // namespace tandem
