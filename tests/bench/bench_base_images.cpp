// bench-base-images: what base images save, against today's path measured in the same run. Never a timed test.
//
//   bench-base-images [--size 224] [--repeat 3] [--quality 90] [DIR]
//
// On every JPEG under DIR (default: Debian's mate-backgrounds), one thread, CPU time per image:
//   today      ImagePreprocessor: decode (OpenCV, 1/2-1/4-1/8 reduced) + crop + resize, every epoch;
//   base       BaseImageBuilder: TurboJPEG decode at the smallest covering DCT scale of its default set
//              (1/8, 1/4, 1/2, 1/1) + resize to the base size, once per sample; then the per-epoch crop
//              on the base (BaseImageCropper);
//   base M/8   the same, picking among every M/8 scale (what the timing table below argues against);
//   base OpenCV the same base through OpenCV's reduced decodes (1/2, 1/4, 1/8), to show what M/8 adds;
// the same on ImageNet-sized (500 px) copies of the photos, where M/8 scales matter most;
// and the bytes per sample at the base size: raw, lossless (PNG), JPEG at the quality.
#include "imagecodec/image_codec.h"
#include "preprocess/base_image_builder.h"
#include "preprocess/base_image_cropper.h"
#include "preprocess/base_image_plan.h"
#include "preprocess/image_preprocessor.h"
#include "preprocess/image_probe.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <turbojpeg.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

using namespace tandem;

namespace {

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

struct Photo {
    QString path;
    QByteArray bytes;
    bool progressive = false;
    bool imagenetSized = false; // a 500 px re-encoded copy
};

// The base through OpenCV alone: the largest of its reductions (8, 4, 2) that still covers the base.
cv::Mat openCvBase(const QByteArray &bytes, const PreprocessOptions &options)
{
    const ImageHeader header = ImageProbe::probe(bytes);
    const QSize base = BaseImagePlan::baseSize(header.orientedSize(), options);
    const QSize stored = header.transposed() ? base.transposed() : base;
    int flag = cv::IMREAD_COLOR;
    for (const auto &[factor, reduced] :
         {std::pair{8, cv::IMREAD_REDUCED_COLOR_8}, {4, cv::IMREAD_REDUCED_COLOR_4}, {2, cv::IMREAD_REDUCED_COLOR_2}}) {
        if ((header.width + factor - 1) / factor >= stored.width() &&
            (header.height + factor - 1) / factor >= stored.height()) {
            flag = reduced;
            break;
        }
    }
    const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
    cv::Mat decoded = cv::imdecode(raw, flag | cv::IMREAD_IGNORE_ORIENTATION);
    cv::Mat out;
    const double ratio = std::min(double(decoded.cols) / stored.width(), double(decoded.rows) / stored.height());
    cv::resize(decoded, out, cv::Size(stored.width(), stored.height()), 0, 0,
               ratio >= 2 ? cv::INTER_AREA : cv::INTER_LINEAR); // BaseImageBuilder's rule
    out = ImagePreprocessor::applyOrientation(out, header.orientation);
    cv::cvtColor(out, out, cv::COLOR_BGR2RGB);
    return out;
}

// The least CPU time per image of `repeat` passes over the photos.
double bestMsPerImage(const QVector<const Photo *> &photos, int repeat, const std::function<void(const Photo &)> &fn)
{
    double best = 1e300;
    for (int r = 0; r < repeat; ++r) {
        const qint64 start = threadCpuNs();
        for (const Photo *photo : photos)
            fn(*photo);
        best = std::min(best, double(threadCpuNs() - start) / 1e6 / double(photos.size()));
    }
    return best;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Base images against today's preprocessing, and codec sizes."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("size"), QStringLiteral("Training size (square)."), QStringLiteral("px"),
                      QStringLiteral("224")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Passes; the best counts."), QStringLiteral("n"),
                      QStringLiteral("3")});
    parser.addOption(
        {QStringLiteral("quality"), QStringLiteral("JPEG quality."), QStringLiteral("q"), QStringLiteral("90")});
    parser.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("Folder of JPEGs (default mate-backgrounds)."));
    parser.process(app);
    const int size = parser.value(QStringLiteral("size")).toInt();
    const int repeat = std::max(1, parser.value(QStringLiteral("repeat")).toInt());
    const int quality = parser.value(QStringLiteral("quality")).toInt();
    const QString dir = parser.positionalArguments().value(0, QStringLiteral("/usr/share/backgrounds/mate"));
    cv::setNumThreads(0); // one thread: CPU per image, not this machine's core count

    QVector<Photo> photos;
    QDirIterator it(dir, {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        Photo photo;
        photo.path = it.next();
        QFile file(photo.path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        photo.bytes = file.readAll();
        photo.progressive = ImageProbe::probe(photo.bytes).progressive;
        photos.append(photo);
    }
    if (photos.isEmpty()) {
        std::fprintf(stderr, "no JPEGs under %s (apt-get install mate-backgrounds)\n", qPrintable(dir));
        return 2;
    }
    std::sort(photos.begin(), photos.end(), [](const Photo &a, const Photo &b) { return a.path < b.path; });

    PreprocessOptions options;
    options.width = options.height = size;
    options.crop = PreprocessOptions::Crop::RandomResized;
    options.horizontalFlip = true;

    // ImageNet-sized copies (longer side 500, JPEG q90, as ImageNet's validation photos are): there a
    // 224 base needs 3/4 or 5/8 of the full decode, which OpenCV's 1/2 cannot give.
    const qsizetype photoCount = photos.size();
    for (qsizetype i = 0; i < photoCount; ++i) {
        const cv::Mat raw(1, int(photos[i].bytes.size()), CV_8UC1, photos[i].bytes.data());
        const cv::Mat full = cv::imdecode(raw, cv::IMREAD_COLOR);
        cv::Mat small;
        const double scale = 500.0 / std::max(full.cols, full.rows);
        cv::resize(full, small, cv::Size(), scale, scale, cv::INTER_AREA);
        std::vector<uchar> encoded;
        cv::imencode(".jpg", small, encoded, {cv::IMWRITE_JPEG_QUALITY, 90});
        Photo copy;
        copy.path = photos[i].path + QStringLiteral(" (500 px)");
        copy.bytes = QByteArray(reinterpret_cast<const char *>(encoded.data()), qsizetype(encoded.size()));
        copy.imagenetSized = true;
        photos.append(copy);
    }

    QVector<const Photo *> all, baseline, progressive, imagenet;
    for (const Photo &photo : photos) {
        if (photo.imagenetSized) {
            imagenet.append(&photo);
            continue;
        }
        all.append(&photo);
        (photo.progressive ? progressive : baseline).append(&photo);
    }
    std::printf("%lld JPEGs under %s (%lld baseline, %lld progressive), %d px random-resized crop + flip, "
                "1 thread, best of %d passes, CPU ms per image\n",
                qlonglong(all.size()), qPrintable(dir), qlonglong(baseline.size()), qlonglong(progressive.size()), size,
                repeat);

    // The bases, built once, for the per-epoch crop and the codecs.
    QVector<BaseImageResult> bases;
    QMap<QString, int> scales;
    for (const Photo &photo : photos) {
        bases.append(BaseImageBuilder::build(photo.bytes, options));
        if (!bases.back().ok()) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(photo.path), qPrintable(bases.back().error));
            return 1;
        }
        const DctScale &used = bases.back().dctScale;
        ++scales[QStringLiteral("%1%2/%3").arg(photo.imagenetSized ? "500 px " : "").arg(used.num).arg(used.denom)];
    }
    QStringList scaleText;
    for (auto s = scales.cbegin(); s != scales.cend(); ++s)
        scaleText << QStringLiteral("%1 ×%2").arg(s.key()).arg(s.value());
    std::printf("DCT scales picked: %s\n\n", qPrintable(scaleText.join(QStringLiteral(", "))));

    quint64 seed = 1;
    std::printf("%-12s %8s %9s %9s %12s %11s %9s %10s\n", "photos", "today", "base", "base M/8", "base OpenCV",
                "crop/epoch", "today/base", "OpenCV/base");
    for (const auto &[name, set] :
         {std::pair{"all", &all}, {"baseline", &baseline}, {"progressive", &progressive}, {"500 px", &imagenet}}) {
        if (set->isEmpty())
            continue;
        const double today = bestMsPerImage(
            *set, repeat, [&](const Photo &p) { (void)ImagePreprocessor::preprocessBytes(p.bytes, options, ++seed); });
        const double base =
            bestMsPerImage(*set, repeat, [&](const Photo &p) { (void)BaseImageBuilder::build(p.bytes, options); });
        const double baseAll = bestMsPerImage(*set, repeat, [&](const Photo &p) {
            (void)BaseImageBuilder::build(p.bytes, options, BaseImageBuilder::dctScales());
        });
        const double viaOpenCv =
            bestMsPerImage(*set, repeat, [&](const Photo &p) { (void)openCvBase(p.bytes, options); });
        const double crop = bestMsPerImage(*set, repeat, [&](const Photo &p) {
            const BaseImageResult &b = bases[int(&p - photos.constData())];
            const AugmentParams params =
                BaseImagePlan::augmentParams(b.originalSize, QSize(b.image.cols, b.image.rows), options, ++seed);
            (void)BaseImageCropper::apply(b.image, params, options);
        });
        std::printf("%-12s %8.2f %9.2f %9.2f %12.2f %11.3f %8.2fx %9.2fx\n", name, today, base, baseAll, viaOpenCv,
                    crop, today / base, viaOpenCv / base);
        if (set == &all) {
            for (const int epochs : {1, 4, 10}) {
                std::printf("  %2d epochs: today %.2f ms/sample, base + crops %.2f ms/sample: %.1fx\n", epochs,
                            today * epochs, base + crop * epochs, today * epochs / (base + crop * epochs));
            }
        }
    }

    // The decode alone at every scale: libjpeg-turbo's SIMD code covers 1/1, 1/2, 1/4 and 1/8 only.
    std::printf("\nTurboJPEG decode alone, ms per image, RGB\n%-12s", "photos");
    for (const DctScale &scale : BaseImageBuilder::dctScales())
        std::printf(" %7s", qPrintable(QStringLiteral("%1/%2").arg(scale.num).arg(scale.denom)));
    std::printf("\n");
    for (const auto &[name, set] : {std::pair{"baseline", &baseline}, {"500 px", &imagenet}}) {
        std::printf("%-12s", name);
        tjhandle handle = tjInitDecompress();
        for (const DctScale &scale : BaseImageBuilder::dctScales()) {
            const double ms = bestMsPerImage(*set, repeat, [&](const Photo &p) {
                const ImageHeader header = ImageProbe::probe(p.bytes);
                cv::Mat out(scale.scaled(header.height), scale.scaled(header.width), CV_8UC3);
                tjDecompress2(handle, reinterpret_cast<const unsigned char *>(p.bytes.constData()),
                              static_cast<unsigned long>(p.bytes.size()), out.data, out.cols, int(out.step[0]),
                              out.rows, TJPF_RGB, 0);
            });
            std::printf(" %7.2f", ms);
        }
        tjDestroy(handle);
        std::printf("\n");
    }

    // Bytes per sample on the wire at the base size, and each codec's CPU time (encode on the client,
    // decode on the agent).
    const qint64 cropRaw = qint64(size) * size * 3;
    double meanPixels = 0;
    for (qsizetype i = 0; i < photoCount; ++i)
        meanPixels += double(bases[i].image.total()) / double(photoCount);
    std::printf("\nbytes per sample: base images (shorter side %d, mean %.0f pixels), against today's raw %d×%d "
                "crop (%lld B)\n",
                std::min(bases[0].image.cols, bases[0].image.rows), meanPixels, size, size, qlonglong(cropRaw));
    std::printf("%-10s %12s %12s %12s %12s\n", "codec", "bytes", "vs crop raw", "encode ms", "decode ms");
    for (const ImageCodec::Codec codec :
         {ImageCodec::Codec::Raw, ImageCodec::Codec::Lossless, ImageCodec::Codec::Jpeg}) {
        double bytes = 0;
        qint64 encodeNs = 0, decodeNs = 0;
        for (qsizetype i = 0; i < photoCount; ++i) {
            const BaseImageResult &b = bases[i];
            const ImageView view{b.image.data, b.image.cols, b.image.rows, b.image.channels(), 0};
            qint64 t = threadCpuNs();
            const ImageCodec::EncodeResult encoded = ImageCodec::encode(view, codec, quality);
            encodeNs += threadCpuNs() - t;
            t = threadCpuNs();
            const ImageCodec::DecodeResult decoded =
                ImageCodec::decode(encoded.bytes, codec, {b.image.cols, b.image.rows, b.image.channels()});
            decodeNs += threadCpuNs() - t;
            if (!encoded.ok() || !decoded.ok()) {
                std::fprintf(stderr, "%s failed: %s%s\n", ImageCodec::codecName(codec), qPrintable(encoded.message),
                             qPrintable(decoded.message));
                return 1;
            }
            bytes += double(encoded.bytes.size());
        }
        const double n = double(photoCount);
        std::printf("%-10s %12.0f %11.2fx %12.3f %12.3f\n",
                    codec == ImageCodec::Codec::Jpeg ? qPrintable(QStringLiteral("jpeg q%1").arg(quality))
                                                     : ImageCodec::codecName(codec),
                    bytes / n, double(cropRaw) / (bytes / n), double(encodeNs) / 1e6 / n, double(decodeNs) / 1e6 / n);
    }
    return 0;
}
