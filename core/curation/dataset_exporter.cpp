#include "curation/dataset_exporter.h"

#include "archive/tar_gz_writer.h"
#include "preprocess/image_preprocessor.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcExport, "tandem.curation")

constexpr int kChunk = 64; // images preprocessed in parallel between writes, cancel checks and progress

struct Planned {
    int entry = 0;
    QString outputPath; // relative
};

struct Encoded {
    QByteArray bytes;
    PreprocessResult result; // without the pixels
};

// Where the exported files go: a folder or an archive. Errors are returned as text.
class Sink {
public:
    virtual ~Sink() = default;
    virtual QString open() = 0;
    virtual QString add(const QString &relativePath, const QByteArray &bytes) = 0;
    virtual QString finish() = 0;
    virtual void discard() = 0;
};

class FolderSink final : public Sink {
public:
    explicit FolderSink(QString path) : m_path(std::move(path)) {}
    QString open() override
    {
        QDir dir(m_path);
        if (dir.exists() && !dir.isEmpty())
            return QStringLiteral("%1 is not empty").arg(QDir::toNativeSeparators(m_path));
        m_created = !dir.exists();
        if (!QDir().mkpath(m_path))
            return QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(m_path));
        return {};
    }
    QString add(const QString &relativePath, const QByteArray &bytes) override
    {
        const QString path = QDir(m_path).filePath(relativePath);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return QStringLiteral("cannot create the folder of %1").arg(QDir::toNativeSeparators(path));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return {};
    }
    QString finish() override { return {}; }
    void discard() override
    {
        QDir dir(m_path);
        if (m_created) {
            dir.removeRecursively();
            return;
        }
        // It was empty before: empty it again.
        for (const QFileInfo &info : dir.entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
            if (info.isDir())
                QDir(info.absoluteFilePath()).removeRecursively();
            else
                QFile::remove(info.absoluteFilePath());
        }
    }

private:
    QString m_path;
    bool m_created = false;
};

// The archive goes through TarGzWriter (a QSaveFile), so a failed export leaves no half-written file.
class ArchiveSink final : public Sink {
public:
    explicit ArchiveSink(const QString &path) : m_writer(path) {}
    QString open() override { return m_writer.open(); }
    QString add(const QString &relativePath, const QByteArray &bytes) override
    {
        return m_writer.add(relativePath, bytes);
    }
    QString finish() override { return m_writer.finish(); }
    void discard() override { m_writer.discard(); }

private:
    TarGzWriter m_writer;
};

QString splitFolder(SampleSplit split)
{
    return split == SampleSplit::Val ? QStringLiteral("val") : QStringLiteral("train");
}

std::vector<Planned> plan(const DatasetManifest &manifest, const QString &extension)
{
    std::vector<Planned> planned;
    QSet<QString> used;
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        const ManifestEntry &entry = manifest.entries[i];
        if (!entry.included || entry.label < 0 || entry.label >= manifest.classes.size())
            continue;
        const QString folder = splitFolder(entry.split) + u'/' + manifest.classes.at(entry.label) + u'/';
        const QString stem = QFileInfo(entry.relativePath).completeBaseName();
        QString name = folder + stem + u'.' + extension;
        for (int n = 2; used.contains(name); ++n)
            name = folder + stem + u'-' + QString::number(n) + u'.' + extension;
        used.insert(name);
        planned.push_back({int(i), name});
    }
    return planned;
}
} // namespace

QString DatasetExporter::csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

DatasetExportResult DatasetExporter::exportDataset(const DatasetManifest &manifest, const ExportOptions &options,
                                                   const std::atomic<bool> *cancel,
                                                   const std::function<void(qint64, qint64)> &progress)
{
    DatasetExportResult result;
    PreprocessOptions preprocess = options.preprocess;
    preprocess.crop = PreprocessOptions::Crop::Center;
    preprocess.horizontalFlip = false;
    if (const QString invalid = preprocess.validate(); !invalid.isEmpty()) {
        result.error = invalid;
        return result;
    }
    const QString extension = options.imageExtension.toLower();
    if (extension != QLatin1String("png") && extension != QLatin1String("jpg")) {
        result.error = QStringLiteral("unsupported image type \"%1\" (png or jpg)").arg(options.imageExtension);
        return result;
    }
    if (options.outputPath.isEmpty()) {
        result.error = QStringLiteral("no output path");
        return result;
    }

    std::unique_ptr<Sink> sink;
    if (options.format == ExportOptions::Format::TarGz)
        sink = std::make_unique<ArchiveSink>(options.outputPath);
    else
        sink = std::make_unique<FolderSink>(options.outputPath);
    if (QString error = sink->open(); !error.isEmpty()) {
        result.error = error;
        return result;
    }
    auto fail = [&](const QString &error) {
        sink->discard();
        result.error = error;
        result.files.clear();
        result.images = 0;
        return result;
    };

    const std::vector<Planned> planned = plan(manifest, extension);
    const qint64 total = qint64(planned.size());
    const std::vector<int> params = extension == QLatin1String("jpg")
                                        ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, options.jpegQuality}
                                        : std::vector<int>{cv::IMWRITE_PNG_COMPRESSION, 3};
    QString csv = QString::fromLatin1(kCsvHeader) + u'\n';
    for (qint64 start = 0; start < total; start += kChunk) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            return fail(QStringLiteral("cancelled"));
        }
        QList<int> chunk;
        for (qint64 i = start; i < std::min(total, start + kChunk); ++i)
            chunk.append(planned[size_t(i)].entry);
        const QList<Encoded> encoded = QtConcurrent::blockingMapped(chunk, [&](int entryIndex) {
            Encoded out;
            out.result = ImagePreprocessor::preprocessFile(manifest.absolutePath(manifest.entries[size_t(entryIndex)]),
                                                           preprocess, 0);
            if (!out.result.ok())
                return out;
            cv::Mat image = out.result.image;
            if (image.channels() == 3)
                cv::cvtColor(image, image, cv::COLOR_RGB2BGR); // preprocessing gives RGB, imencode wants BGR
            std::vector<uchar> buffer;
            if (cv::imencode("." + extension.toStdString(), image, buffer, params))
                out.bytes = QByteArray(reinterpret_cast<const char *>(buffer.data()), qsizetype(buffer.size()));
            else
                out.result.error = QStringLiteral("cannot encode the output image");
            out.result.image.release();
            return out;
        });
        for (qsizetype k = 0; k < encoded.size(); ++k) {
            const Planned &item = planned[size_t(start + k)];
            const ManifestEntry &entry = manifest.entries[size_t(item.entry)];
            const Encoded &image = encoded.at(k);
            if (!image.result.error.isEmpty() || image.bytes.isEmpty()) {
                result.failed.push_back({manifest.absolutePath(entry), image.result.error});
                continue;
            }
            if (QString error = sink->add(item.outputPath, image.bytes); !error.isEmpty())
                return fail(error);
            result.files << item.outputPath;
            ++result.images;
            csv += QStringList{csvField(manifest.absolutePath(entry)),
                               csvField(item.outputPath),
                               csvField(manifest.classes.at(entry.label)),
                               splitFolder(entry.split),
                               QString::number(image.result.contentId, 16).rightJustified(16, u'0'),
                               QString::number(entry.fileBytes),
                               QString::number(image.result.originalSize.width()),
                               QString::number(image.result.originalSize.height())}
                       .join(u',') +
                   u'\n';
        }
        if (progress)
            progress(std::min(total, start + kChunk), total);
    }
    if (QString error = sink->add(QString::fromLatin1(kCsvName), csv.toUtf8()); !error.isEmpty())
        return fail(error);
    result.files << QString::fromLatin1(kCsvName);
    if (QString error = sink->finish(); !error.isEmpty())
        return fail(error);
    qCInfo(lcExport).noquote() << QStringLiteral("exported %1 images to %2 (%3 left out)")
                                      .arg(result.images)
                                      .arg(options.outputPath)
                                      .arg(result.failed.size());
    return result;
}

} // namespace tandem
