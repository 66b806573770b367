#include "mat_image.h"

namespace tandem {

QImage matToImage(const cv::Mat &mat, ChannelOrder order)
{
    if (mat.empty() || mat.depth() != CV_8U || mat.cols <= 0 || mat.rows <= 0)
        return {};
    const auto step = qsizetype(mat.step[0]);
    // Views over the Mat's rows (its step, not cols × channels), then one copy or conversion.
    switch (mat.channels()) {
    case 1: return QImage(mat.data, mat.cols, mat.rows, step, QImage::Format_Grayscale8).copy();
    case 3:
        if (order == ChannelOrder::Rgb)
            return QImage(mat.data, mat.cols, mat.rows, step, QImage::Format_RGB888).copy();
        return QImage(mat.data, mat.cols, mat.rows, step, QImage::Format_BGR888).convertToFormat(QImage::Format_RGB888);
    case 4: {
        const QImage view(mat.data, mat.cols, mat.rows, step, QImage::Format_RGBA8888);
        const QImage rgba = order == ChannelOrder::Rgb ? view.copy() : view.rgbSwapped();
        return rgba.convertToFormat(QImage::Format_ARGB32);
    }
    default: return {};
    }
}

} // namespace tandem
