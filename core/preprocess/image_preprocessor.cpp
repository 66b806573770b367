#include "preprocess/image_preprocessor.h"

#include "common/seeded_random.h"
#include "common/stage.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <xxhash.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <new>

namespace tandem {

namespace {

Q_LOGGING_CATEGORY(lcPreprocess, "tandem.preprocess")

constexpr int kRandomCropAttempts = 10; // as torchvision's RandomResizedCrop
// Below this remaining downscale ratio, bilinear sampling already reads every source pixel that
// matters; INTER_AREA's extra cost only pays for stronger reductions (it averages, no aliasing).
// A reduced JPEG decode leaves a ratio under 2 unless the output is tiny.
constexpr double kAreaInterpolationRatio = 2.0;

using protocol::monotonicNs;

QString formatAmount(double value)
{
    if (value == std::floor(value) || value >= 1000)
        return QString::number(qint64(std::llround(value)));
    return QString::number(value, 'f', 1);
}

QString formatBytes(qint64 bytes)
{
    constexpr qint64 kKiB = 1024;
    constexpr qint64 kMiB = kKiB * 1024;
    if (bytes >= kMiB)
        return QStringLiteral("%1 MiB").arg(formatAmount(double(bytes) / kMiB));
    if (bytes >= kKiB)
        return QStringLiteral("%1 KiB").arg(formatAmount(double(bytes) / kKiB));
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString fileTooLarge(qint64 size, qint64 limit)
{
    return QStringLiteral("file is %1, over the %2 limit").arg(formatBytes(size), formatBytes(limit));
}

QString lowerFirst(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

// The decoded image from OpenCV is in stored orientation; this maps a region given in oriented
// (displayed) coordinates back to stored coordinates, for the orientations of OpenCV's
// ApplyExifOrientation.
QRectF storedRegion(const QRectF &oriented, const ImageHeader &header)
{
    const double w = header.width;
    const double h = header.height;
    auto toStored = [&](QPointF p) -> QPointF {
        switch (header.orientation) {
        case 2: return {w - p.x(), p.y()};
        case 3: return {w - p.x(), h - p.y()};
        case 4: return {p.x(), h - p.y()};
        case 5: return {p.y(), p.x()};
        case 6: return {p.y(), h - p.x()};
        case 7: return {w - p.y(), h - p.x()};
        case 8: return {w - p.y(), p.x()};
        default: return p;
        }
    };
    const QPointF a = toStored(oriented.topLeft());
    const QPointF b = toStored(oriented.bottomRight());
    return QRectF(QPointF(std::min(a.x(), b.x()), std::min(a.y(), b.y())),
                  QPointF(std::max(a.x(), b.x()), std::max(a.y(), b.y())));
}

// A horizontal flip after an EXIF orientation is itself one of the eight orientations.
int withHorizontalFlip(int orientation)
{
    static constexpr int kFlipped[9] = {1, 2, 1, 4, 3, 6, 5, 8, 7};
    return kFlipped[std::clamp(orientation, 1, 8)];
}

int decodeFlags(PreprocessOptions::Color color, int factor)
{
    const bool gray = color == PreprocessOptions::Color::Gray;
    int flags = gray ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
    switch (factor) {
    case 2: flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_2 : cv::IMREAD_REDUCED_COLOR_2; break;
    case 4: flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_COLOR_4; break;
    case 8: flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8; break;
    default: break;
    }
    // OpenCV 4.6's imdecode does apply the EXIF orientation itself, also with the REDUCED flags
    // (checked; the test compares with it), by rotating the whole decoded image. We apply it to
    // the small output instead: the same result for less work, whatever the OpenCV version does.
    return flags | cv::IMREAD_IGNORE_ORIENTATION;
}

class Pipeline {
public:
    Pipeline(const PreprocessOptions &options, quint64 seed, uchar *destination, PreprocessResult &result)
        : m_options(options), m_seed(seed), m_destination(destination), m_result(result)
    {
    }

    // Everything after the bytes are in memory: probe, decode, transform.
    void run(const QByteArray &bytes)
    {
        m_result.decodeStartNs = monotonicNs();
        if (!decode(bytes)) {
            m_result.decodeNs = monotonicNs() - m_result.decodeStartNs;
            return;
        }
        m_result.transformStartNs = monotonicNs();
        m_result.decodeNs = m_result.transformStartNs - m_result.decodeStartNs;
        transform();
        m_result.transformNs = monotonicNs() - m_result.transformStartNs;
    }

private:
    bool fail(const QString &error)
    {
        m_result.error = error;
        return false;
    }

    bool decode(const QByteArray &bytes)
    {
        m_header = ImageProbe::probe(bytes);
        m_result.format = m_header.format;
        if (!m_header.ok())
            return fail(m_header.error);
        m_result.originalSize = m_header.orientedSize(); // known even when refused below
        if (const QString refused = ImagePreprocessor::refuseBeforeDecode(m_header, bytes, m_options);
            !refused.isEmpty())
            return fail(refused);
        const char *formatName = ImageProbe::formatName(m_header.format);

        m_plan = ImagePreprocessor::planCrop(m_result.originalSize, m_options, m_seed);
        const int factor = m_options.reducedDecode
                               ? ImageProbe::reductionFactor(m_header, m_plan.region.width(), m_plan.region.height(),
                                                             m_options.width, m_options.height)
                               : 1;
        m_result.reduction = factor;

        const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        m_decoded = cv::imdecode(raw, decodeFlags(m_options.color, factor));
        if (m_decoded.empty())
            return fail(QStringLiteral("corrupt or truncated %1").arg(QLatin1String(formatName)));
        // The header and the decoder must agree, or the pixel limit above guarded nothing.
        const int expectedWidth = (m_header.width + factor - 1) / factor;
        const int expectedHeight = (m_header.height + factor - 1) / factor;
        if (std::abs(m_decoded.cols - expectedWidth) > 1 || std::abs(m_decoded.rows - expectedHeight) > 1) {
            return fail(QStringLiteral("corrupt %1: decoded %2×%3, header says %4×%5")
                            .arg(QLatin1String(formatName))
                            .arg(m_decoded.cols)
                            .arg(m_decoded.rows)
                            .arg(expectedWidth)
                            .arg(expectedHeight));
        }
        if (m_decoded.channels() != m_options.channels() || m_decoded.depth() != CV_8U)
            return fail(QStringLiteral("unexpected %1 decode result").arg(QLatin1String(formatName)));
        return true;
    }

    void transform()
    {
        // The crop in decoded (stored orientation, possibly reduced) pixels, still fractional.
        const QRectF stored = storedRegion(m_plan.region, m_header);
        const double sx = double(m_decoded.cols) / m_header.width;
        const double sy = double(m_decoded.rows) / m_header.height;
        const QRectF region(stored.left() * sx, stored.top() * sy, stored.width() * sx, stored.height() * sy);

        // Resize in stored orientation, then orient (and flip) the small result.
        const int orientation = m_plan.flip ? withHorizontalFlip(m_header.orientation) : m_header.orientation;
        const bool transposed = m_header.transposed();
        const cv::Size storedOut =
            transposed ? cv::Size(m_options.height, m_options.width) : cv::Size(m_options.width, m_options.height);
        const double ratio = std::min(region.width() / storedOut.width, region.height() / storedOut.height);
        auto resizeInto = [&](cv::Mat &target) {
            if (ratio >= kAreaInterpolationRatio) {
                // Strong reduction: whole pixels are plenty, INTER_AREA averages without aliasing.
                const int x0 = std::clamp(int(std::lround(region.left())), 0, m_decoded.cols - 1);
                const int y0 = std::clamp(int(std::lround(region.top())), 0, m_decoded.rows - 1);
                const int x1 = std::clamp(int(std::lround(region.right())), x0 + 1, m_decoded.cols);
                const int y1 = std::clamp(int(std::lround(region.bottom())), y0 + 1, m_decoded.rows);
                cv::resize(m_decoded(cv::Rect(x0, y0, x1 - x0, y1 - y0)), target, storedOut, 0, 0, cv::INTER_AREA);
            } else {
                // Mild reduction (after a reduced decode) or enlargement: bilinear sampling of the
                // exact, sub-pixel region, as a resize of it would sample it.
                const double kx = region.width() / storedOut.width;
                const double ky = region.height() / storedOut.height;
                const cv::Matx23d toSource(kx, 0, region.left() + 0.5 * kx - 0.5, 0, ky, region.top() + 0.5 * ky - 0.5);
                cv::warpAffine(m_decoded, target, toSource, storedOut, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                               cv::BORDER_REPLICATE);
            }
        };

        const int type = m_options.channels() == 3 ? CV_8UC3 : CV_8UC1;
        cv::Mat out = m_destination ? cv::Mat(m_options.height, m_options.width, type, m_destination)
                                    : cv::Mat(m_options.height, m_options.width, type);
        const bool rgb = m_options.color == PreprocessOptions::Color::Rgb;
        if (!rgb && orientation == 1) {
            resizeInto(out);
        } else {
            cv::Mat resized;
            resizeInto(resized);
            if (orientation != 1)
                resized = ImagePreprocessor::applyOrientation(resized, orientation);
            if (rgb)
                cv::cvtColor(resized, out, cv::COLOR_BGR2RGB); // the one BGR → RGB conversion
            else
                resized.copyTo(out);
        }
        if (m_destination && out.data != m_destination) {
            fail(QStringLiteral("internal error: output buffer was reallocated"));
            return;
        }
        m_result.image = out;
    }

    const PreprocessOptions &m_options;
    quint64 m_seed;
    uchar *m_destination;
    PreprocessResult &m_result;
    ImageHeader m_header;
    CropPlan m_plan;
    cv::Mat m_decoded;
};

// Runs fn, turning anything thrown (OpenCV, allocation) into an error value.
template <typename Fn> void guarded(PreprocessResult &result, Fn &&fn)
{
    try {
        fn();
    } catch (const cv::Exception &e) {
        result.error = QStringLiteral("OpenCV error: %1").arg(QString::fromStdString(e.msg));
    } catch (const std::bad_alloc &) {
        result.error = QStringLiteral("out of memory while decoding");
    } catch (const std::exception &e) {
        result.error = QStringLiteral("unexpected error: %1").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        result.error = QStringLiteral("unexpected error");
    }
    if (!result.error.isEmpty())
        result.image = cv::Mat();
}

void processBytes(const QByteArray &bytes, const PreprocessOptions &options, quint64 seed, uchar *destination,
                  PreprocessResult &result)
{
    if (const QString invalid = options.validate(); !invalid.isEmpty()) {
        result.error = QStringLiteral("invalid options: %1").arg(invalid);
        return;
    }
    Pipeline(options, seed, destination, result).run(bytes);
}

} // namespace

QString ImagePreprocessor::refuseBeforeDecode(const ImageHeader &header, const QByteArray &bytes,
                                              const PreprocessOptions &options)
{
    if (header.pixels() > options.maxPixels) {
        return QStringLiteral("image is %1×%2 = %3 Mpixel, over the %4 Mpixel limit")
            .arg(header.width)
            .arg(header.height)
            .arg(formatAmount(double(header.pixels()) / 1e6), formatAmount(double(options.maxPixels) / 1e6));
    }
    if (header.format == ImageFormat::Jpeg && !ImageProbe::jpegIsComplete(bytes))
        return QStringLiteral("corrupt or truncated JPEG");
    if (bytes.size() > INT_MAX)
        return fileTooLarge(bytes.size(), INT_MAX);
    return {};
}

quint64 ImagePreprocessor::contentId(QByteArrayView bytes)
{
    return XXH3_64bits(bytes.data(), size_t(bytes.size()));
}

PreprocessResult ImagePreprocessor::preprocessFile(const QString &path, const PreprocessOptions &options,
                                                   quint64 randomSeed, uchar *destination)
{
    PreprocessResult result;
    guarded(result, [&] {
        result.readStartNs = monotonicNs();
        QByteArray bytes;
        auto readFile = [&]() -> bool {
            const QFileInfo info(path);
            if (info.exists() && !info.isFile()) {
                result.error = QStringLiteral("not a regular file");
                return false;
            }
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                result.error = QStringLiteral("unreadable: %1").arg(lowerFirst(file.errorString()));
                return false;
            }
            const qint64 size = file.size();
            if (size == 0) {
                result.error = QStringLiteral("empty file");
                return false;
            }
            if (size > options.maxFileBytes) {
                result.error = fileTooLarge(size, options.maxFileBytes);
                return false;
            }
            bytes.resize(size);
            qint64 done = 0;
            while (done < size) {
                const qint64 got = file.read(bytes.data() + done, size - done);
                if (got <= 0)
                    break;
                done += got;
            }
            if (done != size) {
                result.error =
                    QStringLiteral("unreadable: %1")
                        .arg(file.error() != QFileDevice::NoError ? lowerFirst(file.errorString())
                                                                  : QStringLiteral("file shrank while reading"));
                return false;
            }
            result.contentId = contentId(bytes);
            return true;
        };
        const bool read = readFile();
        result.readNs = monotonicNs() - result.readStartNs;
        if (read)
            processBytes(bytes, options, randomSeed, destination, result);
    });
    if (!result.ok())
        qCDebug(lcPreprocess) << path << result.error;
    return result;
}

PreprocessResult ImagePreprocessor::preprocessBytes(const QByteArray &bytes, const PreprocessOptions &options,
                                                    quint64 randomSeed, uchar *destination)
{
    PreprocessResult result;
    guarded(result, [&] {
        result.readStartNs = monotonicNs();
        if (bytes.isEmpty())
            result.error = QStringLiteral("empty file");
        else if (bytes.size() > options.maxFileBytes)
            result.error = fileTooLarge(bytes.size(), options.maxFileBytes);
        else
            result.contentId = contentId(bytes);
        result.readNs = monotonicNs() - result.readStartNs;
        if (result.error.isEmpty())
            processBytes(bytes, options, randomSeed, destination, result);
    });
    return result;
}

CropPlan ImagePreprocessor::planCrop(QSize orientedSize, const PreprocessOptions &options, quint64 randomSeed)
{
    CropPlan plan;
    const double w = std::max(1, orientedSize.width());
    const double h = std::max(1, orientedSize.height());
    SeededRandom random(randomSeed);
    if (options.crop == PreprocessOptions::Crop::Center) {
        const double shorter =
            options.resizeShorter > 0 ? options.resizeShorter : std::max(options.width, options.height);
        // Resize so the shorter side becomes `shorter`, but never so small that the crop leaves the image.
        const double scale = std::max({shorter / std::min(w, h), options.width / w, options.height / h});
        const double cw = options.width / scale;
        const double ch = options.height / scale;
        plan.region = QRectF((w - cw) / 2, (h - ch) / 2, cw, ch);
    } else {
        // torchvision's RandomResizedCrop.get_params, with integer crops like it.
        const double area = w * h;
        const double logRatioMin = std::log(options.ratioMin);
        const double logRatioMax = std::log(options.ratioMax);
        bool found = false;
        for (int attempt = 0; attempt < kRandomCropAttempts && !found; ++attempt) {
            const double targetArea = area * random.uniform(options.scaleMin, options.scaleMax);
            const double aspect = std::exp(random.uniform(logRatioMin, logRatioMax));
            const double cw = std::round(std::sqrt(targetArea * aspect));
            const double ch = std::round(std::sqrt(targetArea / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                const double top = double(random.below(quint64(h - ch) + 1));
                const double left = double(random.below(quint64(w - cw) + 1));
                plan.region = QRectF(left, top, cw, ch);
                found = true;
            }
        }
        if (!found) { // centre crop at the nearest allowed aspect ratio
            double cw = w;
            double ch = h;
            if (w / h < options.ratioMin)
                ch = std::round(w / options.ratioMin);
            else if (w / h > options.ratioMax)
                cw = std::round(h * options.ratioMax);
            plan.region = QRectF(std::floor((w - cw) / 2), std::floor((h - ch) / 2), cw, ch);
        }
    }
    plan.flip = options.horizontalFlip && random.coin();
    return plan;
}

cv::Mat ImagePreprocessor::applyOrientation(const cv::Mat &image, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::rotate(image, out, cv::ROTATE_180); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7:
        cv::transpose(image, out);
        cv::flip(out, out, -1);
        break;
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = image; break;
    }
    return out;
}

} // namespace tandem
