#include "preprocess/base_image_builder.h"

#include "common/stage.h"
#include "preprocess/image_preprocessor.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <turbojpeg.h>

#include <algorithm>
#include <memory>
#include <new>

namespace tandem {

namespace {

using protocol::monotonicNs;

constexpr double kAreaInterpolationRatio = 2.0;

struct TjDeleter {
    void operator()(void *handle) const { tjDestroy(handle); }
};

// The stored-orientation pixels at the given DCT scale, or empty when TurboJPEG cannot decode this JPEG
// into the wanted colour (CMYK, for one): the caller then falls back to OpenCV. Warnings (a corrupt but
// complete stream, which OpenCV decodes too) are accepted, as OpenCV accepts them.
cv::Mat decodeJpeg(const QByteArray &bytes, DctScale scale, int width, int height, bool gray)
{
    const std::unique_ptr<void, TjDeleter> handle(tjInitDecompress());
    if (!handle)
        return {};
    const int w = scale.scaled(width);
    const int h = scale.scaled(height);
    cv::Mat out(h, w, gray ? CV_8UC1 : CV_8UC3);
    const int status = tjDecompress2(handle.get(), reinterpret_cast<const unsigned char *>(bytes.constData()),
                                     static_cast<unsigned long>(bytes.size()), out.data, w, int(out.step[0]), h,
                                     gray ? TJPF_GRAY : TJPF_RGB, 0);
    if (status != 0 && tjGetErrorCode(handle.get()) != TJERR_WARNING)
        return {};
    return out;
}

void buildInto(const QByteArray &bytes, const PreprocessOptions &options, const QVector<DctScale> &scales,
               BaseImageResult &result)
{
    const qint64 decodeStart = monotonicNs();
    const ImageHeader header = ImageProbe::probe(bytes);
    result.format = header.format;
    if (!header.ok()) {
        result.error = header.error;
        return;
    }
    result.originalSize = header.orientedSize();
    if (const QString refused = ImagePreprocessor::refuseBeforeDecode(header, bytes, options); !refused.isEmpty()) {
        result.error = refused;
        return;
    }
    const char *formatName = ImageProbe::formatName(header.format);
    const bool gray = options.color == PreprocessOptions::Color::Gray;
    const QSize base = BaseImagePlan::baseSize(result.originalSize, options);
    const QSize storedBase = header.transposed() ? base.transposed() : base;

    cv::Mat decoded;
    bool bgr = false;
    if (header.format == ImageFormat::Jpeg) {
        const DctScale scale = options.reducedDecode
                                   ? BaseImagePlan::dctScale(QSize(header.width, header.height), storedBase, scales)
                                   : DctScale{1, 1};
        decoded = decodeJpeg(bytes, scale, header.width, header.height, gray);
        if (!decoded.empty())
            result.dctScale = scale;
    }
    if (decoded.empty()) {
        const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(raw, (gray ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR) | cv::IMREAD_IGNORE_ORIENTATION);
        bgr = !gray;
        if (decoded.empty()) {
            result.error = QStringLiteral("corrupt or truncated %1").arg(QLatin1String(formatName));
            return;
        }
        // The header and the decoder must agree, or the pixel limit above guarded nothing.
        if (decoded.cols != header.width || decoded.rows != header.height) {
            result.error = QStringLiteral("corrupt %1: decoded %2×%3, header says %4×%5")
                               .arg(QLatin1String(formatName))
                               .arg(decoded.cols)
                               .arg(decoded.rows)
                               .arg(header.width)
                               .arg(header.height);
            return;
        }
    }
    const qint64 resizeStart = monotonicNs();
    result.decodeNs = resizeStart - decodeStart;

    // Resize in stored orientation (cheaper on whichever side), then orient the base-sized result.
    cv::Mat image = decoded;
    if (decoded.cols != storedBase.width() || decoded.rows != storedBase.height()) {
        // As ImagePreprocessor: INTER_AREA only pays for reductions of 2× or more; below, bilinear reads
        // every source pixel that matters (and a DCT-scaled decode leaves a ratio under 2).
        const double ratio =
            std::min(double(decoded.cols) / storedBase.width(), double(decoded.rows) / storedBase.height());
        cv::resize(decoded, image, cv::Size(storedBase.width(), storedBase.height()), 0, 0,
                   ratio >= kAreaInterpolationRatio ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    if (header.orientation != 1)
        image = ImagePreprocessor::applyOrientation(image, header.orientation);
    if (bgr)
        cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    result.image = image.isContinuous() ? image : image.clone();
    result.resizeNs = monotonicNs() - resizeStart;
}

} // namespace

BaseImageResult BaseImageBuilder::build(const QByteArray &bytes, const PreprocessOptions &options,
                                        const QVector<DctScale> &scales)
{
    BaseImageResult result;
    try {
        if (const QString invalid = options.validate(); !invalid.isEmpty())
            result.error = QStringLiteral("invalid options: %1").arg(invalid);
        else if (bytes.isEmpty())
            result.error = QStringLiteral("empty file");
        else {
            result.contentId = ImagePreprocessor::contentId(bytes);
            buildInto(bytes, options, scales, result);
        }
    } catch (const cv::Exception &e) {
        result.error = QStringLiteral("OpenCV error: %1").arg(QString::fromStdString(e.msg));
    } catch (const std::bad_alloc &) {
        result.error = QStringLiteral("out of memory while decoding");
    } catch (const std::exception &e) {
        result.error = QStringLiteral("unexpected error: %1").arg(QString::fromLocal8Bit(e.what()));
    }
    if (!result.error.isEmpty())
        result.image = cv::Mat();
    return result;
}

const QVector<DctScale> &BaseImageBuilder::dctScales()
{
    static const QVector<DctScale> scales = [] {
        QVector<DctScale> out;
        int count = 0;
        const tjscalingfactor *factors = tjGetScalingFactors(&count);
        for (int i = 0; factors && i < count; ++i) {
            if (factors[i].num <= factors[i].denom)
                out.append({factors[i].num, factors[i].denom});
        }
        return out;
    }();
    return scales;
}

const QVector<DctScale> &BaseImageBuilder::defaultDctScales()
{
    // Measured with bench-base-images (libjpeg-turbo 2.1.5, x86-64): only 1/1, 1/2, 1/4 and 1/8 have SIMD
    // IDCTs; 7/8, 3/4 and 5/8 decode 1.9×, 1.5× and 1.3× slower than the full decode, and 3/8 is 1.1×
    // slower than 1/2. So the smallest covering scale is picked among the powers of two.
    static const QVector<DctScale> scales = [] {
        QVector<DctScale> out;
        for (const DctScale &scale : dctScales()) {
            if (scale.num == 1 && (scale.denom & (scale.denom - 1)) == 0)
                out.append(scale);
        }
        return out;
    }();
    return scales;
}

} // namespace tandem
