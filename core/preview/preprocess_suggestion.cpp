#include "preprocess_suggestion.h"

#include "preprocess/image_probe.h"

#include <QFile>

#include <opencv2/imgcodecs.hpp>

namespace tandem {

namespace {
constexpr qint64 kHeaderBytes = 64 * 1024; // enough for a JPEG's EXIF segment and frame header
constexpr qint64 kSmallFileBytes = 256 * 1024;
} // namespace

std::optional<PreprocessOptions> PreprocessSuggestion::forDataset(const DatasetIndex &index,
                                                                  const PreprocessOptions &base, QString *why)
{
    const auto &samples = index.samples();
    if (samples.empty())
        return std::nullopt;
    QSize size;
    bool allGray = true;
    const std::size_t step = std::max<std::size_t>(1, samples.size() / kSamples);
    int looked = 0;
    for (std::size_t i = 0; i < samples.size() && looked < kSamples; i += step, ++looked) {
        QFile file(samples[i].path);
        if (!file.open(QIODevice::ReadOnly))
            return std::nullopt;
        const QByteArray head = file.read(file.size() <= kSmallFileBytes ? kSmallFileBytes : kHeaderBytes);
        const ImageHeader header = ImageProbe::probe(head);
        if (!header.ok())
            return std::nullopt;
        const QSize oriented = header.orientedSize();
        if (std::max(oriented.width(), oriented.height()) > kMaxNativeSide || (size.isValid() && oriented != size))
            return std::nullopt;
        size = oriented;
        if (allGray && file.size() <= kSmallFileBytes) {
            const cv::Mat buffer(1, int(head.size()), CV_8UC1, const_cast<char *>(head.constData()));
            cv::Mat image;
            try {
                image = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
            } catch (const cv::Exception &) {
                return std::nullopt;
            }
            allGray = !image.empty() && image.channels() == 1;
        } else {
            allGray = false;
        }
    }
    PreprocessOptions suggested = base;
    suggested.width = size.width();
    suggested.height = size.height();
    suggested.color = allGray ? PreprocessOptions::Color::Gray : base.color;
    if (suggested == base)
        return std::nullopt;
    if (why)
        *why = QStringLiteral("%1 × %2%3")
                   .arg(size.width())
                   .arg(size.height())
                   .arg(allGray ? QStringLiteral(" grey") : QString());
    return suggested;
}

} // namespace tandem
