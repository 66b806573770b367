// A curated view of a dataset folder: which images are in, their class and split; never the pixels.
#pragma once

#include "dataset/dataset_index.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <array>
#include <vector>

namespace tandem {

// One image of the dataset. Paths are relative to the manifest's root so that the manifest can
// live away from the images and the folder can move.
struct ManifestEntry {
    QString relativePath;
    QString originalClass;                          // the folder it was found in
    SampleSplit originalSplit = SampleSplit::Train; // as scanned (train/ and val/ folders, or seeded)
    qint32 label = 0;                               // index into DatasetManifest::classes
    SampleSplit split = SampleSplit::Train;
    bool included = true;
    quint64 contentHash = 0; // XXH3-64 of the bytes; 0 until hashed
    qint64 fileBytes = 0;

    [[nodiscard]] bool operator==(const ManifestEntry &other) const;
    [[nodiscard]] bool operator!=(const ManifestEntry &other) const { return !(*this == other); }
};

struct ManifestLoadResult;

// A plain value: cheap enough to copy for a worker thread, compared whole by the tests. Edits go
// through ManifestDocument so that each one can be undone; the image files are never touched.
class DatasetManifest {
public:
    static constexpr int kFormatVersion = 1;
    static constexpr const char *kFileSuffix = ".tandem-manifest.json";

    QString root;        // absolute path of the dataset folder
    QStringList classes; // labels index into this; classes may be added and renamed
    std::vector<ManifestEntry> entries;

    // Every scanned sample, included, with its scanned class and split.
    [[nodiscard]] static DatasetManifest fromIndex(const DatasetIndex &index);

    // The included entries with their current classes and splits, ready for TrainingSession.
    [[nodiscard]] DatasetIndex toIndex() const;

    [[nodiscard]] QString absolutePath(const ManifestEntry &entry) const;
    [[nodiscard]] QString className(const ManifestEntry &entry) const;
    // [class][split] of the included entries; split 0 = train, 1 = validation.
    [[nodiscard]] std::vector<std::array<qint64, 2>> counts() const;
    [[nodiscard]] qint64 includedCount() const;

    // Whether anything differs from the folders as scanned: an exclusion, a class or split changed,
    // a class added or renamed.
    [[nodiscard]] bool hasEdits() const;

    // The edits of `edits` (an earlier manifest of the same folder) carried onto `scanned`, a fresh
    // scan of it: an image found in both keeps its inclusion, class and split; images new to the
    // folder come in as scanned, and images gone from it are dropped. Matched by relative path.
    struct CarriedOver;
    [[nodiscard]] static CarriedOver carryOver(const DatasetManifest &edits, const DatasetManifest &scanned);

    // Writes JSON atomically (QSaveFile). Returns an empty string on success, else why not.
    [[nodiscard]] QString save(const QString &path) const;
    [[nodiscard]] static ManifestLoadResult load(const QString &path);

    [[nodiscard]] bool operator==(const DatasetManifest &other) const;
    [[nodiscard]] bool operator!=(const DatasetManifest &other) const { return !(*this == other); }
};

struct DatasetManifest::CarriedOver {
    DatasetManifest manifest;
    qint64 carried = 0; // images found in both
    qint64 added = 0;   // new to the folder
    qint64 missing = 0; // in the edits, gone from the folder
};

struct ManifestLoadResult {
    DatasetManifest manifest;
    QString error; // "not a Tandem manifest", "entry 12: label 7 is out of range", ...

    [[nodiscard]] bool ok() const { return error.isEmpty(); }
};

} // namespace tandem
