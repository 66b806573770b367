// Writes a curated dataset: preprocessed images as a class-per-folder tree or one .tar.gz, plus manifest.csv.
#pragma once

#include "curation/dataset_manifest.h"
#include "preprocess/preprocess_options.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace tandem {

struct ExportOptions {
    enum class Format { Folder, TarGz };

    QString outputPath; // Folder: a directory that is missing or empty; TarGz: the archive's path
    Format format = Format::Folder;
    PreprocessOptions preprocess; // the configured size and colour; the crop is always the centre crop
    QString imageExtension = QStringLiteral("png"); // "png" (lossless) or "jpg"
    int jpegQuality = 95;
};

struct DatasetExportResult {
    QStringList files; // relative paths written, in order, manifest.csv last
    qint64 images = 0;
    std::vector<SkippedFile> failed; // included images that could not be preprocessed (left out)
    QString error;                   // empty when the export is complete
    bool cancelled = false;

    [[nodiscard]] bool ok() const { return error.isEmpty(); }
};

// Only included entries are written, under <split>/<class>/<file name>.<ext> with the current
// class and split; a name used twice in one folder gets "-2", "-3". manifest.csv has one row per
// written image: source_path, output_path, class, split, content_hash (XXH3-64 of the source,
// hex), source_bytes, source_width, source_height. Nothing is left behind on failure or cancel.
class DatasetExporter {
public:
    DatasetExporter() = delete;

    static constexpr const char *kCsvName = "manifest.csv";
    static constexpr const char *kCsvHeader =
        "source_path,output_path,class,split,content_hash,source_bytes,source_width,source_height";

    // Runs on the calling thread (preprocessing in parallel on the global pool); progress(done,
    // total) comes from the calling thread too.
    [[nodiscard]] static DatasetExportResult exportDataset(const DatasetManifest &manifest,
                                                           const ExportOptions &options,
                                                           const std::atomic<bool> *cancel = nullptr,
                                                           const std::function<void(qint64, qint64)> &progress = {});

    // One CSV field, quoted when it holds a comma, a quote or a line break.
    [[nodiscard]] static QString csvField(const QString &text);
};

} // namespace tandem
