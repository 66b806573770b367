#include "dataset/fashion_mnist_exporter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <opencv2/imgcodecs.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcExport, "tandem.dataset")

constexpr quint32 kImagesMagic = 0x00000803; // IDX: unsigned byte, 3 dimensions
constexpr quint32 kLabelsMagic = 0x00000801; // IDX: unsigned byte, 1 dimension
constexpr int kClassCount = 10;
constexpr quint32 kMaxSide = 1024; // sanity bound on the header; Fashion-MNIST is 28×28
constexpr quint32 kMaxItems = 1'000'000;
constexpr int kIndexDigits = 5; // 00042.png: names sort in file order

struct GzCloser {
    void operator()(gzFile_s *file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

struct SetFiles {
    const char *images;
    const char *labels;
    const char *folder;
};
constexpr std::array<SetFiles, 2> kSets{{
    {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "train"},
    {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "val"},
}};

// Reads exactly count bytes, or says what went wrong.
QString readExactly(gzFile file, void *buffer, qint64 count, const QString &path)
{
    auto *bytes = static_cast<char *>(buffer);
    while (count > 0) {
        const unsigned chunk = unsigned(std::min<qint64>(count, 1 << 30));
        const int got = gzread(file, bytes, chunk);
        if (got < 0) {
            int code = 0;
            return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(gzerror(file, &code)));
        }
        if (got == 0)
            return QStringLiteral("%1 is truncated").arg(path);
        bytes += got;
        count -= got;
    }
    return {};
}

quint32 bigEndian32(const uchar *p)
{
    return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | p[3];
}

struct OpenedImages {
    GzFile file;
    quint32 count = 0;
    int rows = 0;
    int cols = 0;
};

QString openGz(const QString &path, GzFile &file)
{
    if (!QFileInfo::exists(path))
        return QStringLiteral("install dataset-fashion-mnist: %1 not found").arg(path);
    file.reset(gzopen(QFile::encodeName(path).constData(), "rb"));
    if (!file)
        return QStringLiteral("cannot open %1").arg(path);
    gzbuffer(file.get(), 256 * 1024);
    return {};
}

QString readLabels(const QString &path, std::vector<uchar> &labels)
{
    GzFile file;
    if (QString error = openGz(path, file); !error.isEmpty())
        return error;
    uchar header[8];
    if (QString error = readExactly(file.get(), header, sizeof header, path); !error.isEmpty())
        return error;
    const quint32 count = bigEndian32(header + 4);
    if (bigEndian32(header) != kLabelsMagic || count > kMaxItems)
        return QStringLiteral("%1 is not an IDX label file").arg(path);
    labels.resize(count);
    if (QString error = readExactly(file.get(), labels.data(), count, path); !error.isEmpty())
        return error;
    for (uchar label : labels) {
        if (label >= kClassCount)
            return QStringLiteral("%1 holds label %2, outside 0..9").arg(path).arg(label);
    }
    return {};
}

QString openImages(const QString &path, quint32 expectedCount, OpenedImages &images)
{
    if (QString error = openGz(path, images.file); !error.isEmpty())
        return error;
    uchar header[16];
    if (QString error = readExactly(images.file.get(), header, sizeof header, path); !error.isEmpty())
        return error;
    images.count = bigEndian32(header + 4);
    const quint32 rows = bigEndian32(header + 8);
    const quint32 cols = bigEndian32(header + 12);
    if (bigEndian32(header) != kImagesMagic || rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide)
        return QStringLiteral("%1 is not an IDX image file").arg(path);
    if (images.count != expectedCount) {
        return QStringLiteral("%1 holds %2 images but its labels file %3 labels")
            .arg(path)
            .arg(images.count)
            .arg(expectedCount);
    }
    images.rows = int(rows);
    images.cols = int(cols);
    return {};
}

struct Selected {
    quint32 index;
    QString path;
};
} // namespace

QStringList FashionMnistExporter::classNames()
{
    return {QStringLiteral("T-shirt_top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
            QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
            QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
            QStringLiteral("Ankle_boot")};
}

FashionMnistExportResult FashionMnistExporter::exportTo(const QString &outDir, const FashionMnistExportOptions &options,
                                                        const std::atomic<bool> *cancel,
                                                        const std::function<void(qint64, qint64)> &progress)
{
    FashionMnistExportResult result;
    const QStringList names = classNames();
    const QDir source(options.sourceDir);
    const QDir out(outDir);

    for (const SetFiles &set : kSets) {
        for (const char *name : {set.images, set.labels}) {
            const QString path = source.filePath(QLatin1String(name));
            if (!QFileInfo::exists(path)) {
                result.error = QStringLiteral("install dataset-fashion-mnist: %1 not found").arg(path);
                return result;
            }
        }
    }

    // 1. Labels (small) decide which files are wanted; images are read only if some are missing.
    std::array<std::vector<Selected>, kSets.size()> selected;
    std::array<std::vector<uchar>, kSets.size()> labels;
    qint64 total = 0;
    qint64 missing = 0;
    for (size_t set = 0; set < kSets.size(); ++set) {
        const QString labelsPath = source.filePath(QLatin1String(kSets[set].labels));
        if (QString error = readLabels(labelsPath, labels[set]); !error.isEmpty()) {
            result.error = error;
            return result;
        }
        const int limit = set == 0 ? options.trainPerClass : options.valPerClass;
        std::array<int, kClassCount> perClass{};
        for (quint32 i = 0; i < labels[set].size(); ++i) {
            const uchar label = labels[set][i];
            if (limit > 0 && perClass[label] >= limit)
                continue;
            ++perClass[label];
            const QString path = out.filePath(QStringLiteral("%1/%2/%3.png")
                                                  .arg(QLatin1String(kSets[set].folder), names[label])
                                                  .arg(i, kIndexDigits, 10, QLatin1Char('0')));
            if (!QFileInfo::exists(path)) {
                selected[set].push_back({i, path});
                ++missing;
            }
            ++total;
            (set == 0 ? result.trainFiles : result.valFiles) += 1;
        }
    }
    if (missing == 0) {
        qCDebug(lcExport) << outDir << "already holds" << total << "Fashion-MNIST files";
        if (progress)
            progress(total, total);
        return result;
    }

    // 2. Images, read in order up to the last missing one.
    qint64 done = total - missing;
    for (size_t set = 0; set < kSets.size(); ++set) {
        if (selected[set].empty())
            continue;
        for (const QString &name : names) {
            const QString folder = out.filePath(QStringLiteral("%1/%2").arg(QLatin1String(kSets[set].folder), name));
            if (!QDir().mkpath(folder)) {
                result.error = QStringLiteral("cannot create %1").arg(folder);
                return result;
            }
        }
        const QString imagesPath = source.filePath(QLatin1String(kSets[set].images));
        OpenedImages images;
        if (QString error = openImages(imagesPath, quint32(labels[set].size()), images); !error.isEmpty()) {
            result.error = error;
            return result;
        }
        cv::Mat pixels(images.rows, images.cols, CV_8UC1);
        const qint64 imageBytes = qint64(images.rows) * images.cols;
        quint32 position = 0;
        std::vector<uchar> encoded;
        for (const Selected &wanted : selected[set]) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                result.cancelled = true;
                return result;
            }
            for (; position <= wanted.index; ++position) {
                if (QString error = readExactly(images.file.get(), pixels.data, imageBytes, imagesPath);
                    !error.isEmpty()) {
                    result.error = error;
                    return result;
                }
            }
            if (!cv::imencode(".png", pixels, encoded)) {
                result.error = QStringLiteral("cannot encode %1").arg(wanted.path);
                return result;
            }
            // Written under a hidden temporary name, then renamed: an interrupted export leaves no
            // half-written PNG that would count as present (or be indexed). Not QSaveFile, whose
            // fdatasync per file makes 70,000 small files take minutes on a real disk.
            const QFileInfo target(wanted.path);
            QFile part(target.dir().filePath(QStringLiteral(".%1.part").arg(target.fileName())));
            const auto size = qint64(encoded.size());
            const bool written = part.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                                 part.write(reinterpret_cast<const char *>(encoded.data()), size) == size;
            part.close();
            if (!written || !part.rename(wanted.path)) {
                result.error = QStringLiteral("cannot write %1: %2").arg(wanted.path, part.errorString());
                part.remove();
                return result;
            }
            ++result.written;
            ++done;
            if (progress && (done % 256 == 0 || done == total))
                progress(done, total);
        }
    }
    qCInfo(lcExport).noquote() << QStringLiteral("wrote %1 Fashion-MNIST PNG files to %2 (%3 train, %4 val in all)")
                                      .arg(result.written)
                                      .arg(outDir)
                                      .arg(result.trainFiles)
                                      .arg(result.valFiles);
    return result;
}

} // namespace tandem
