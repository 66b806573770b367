// The samples of a class-per-folder image dataset: paths, labels, split; built without decoding.
#pragma once

#include "common/skipped_file.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace tandem {

enum class SampleSplit : quint8 { Train = 0, Val = 1 };

struct IndexedSample {
    QString path;
    qint32 label = 0; // index into DatasetIndex::classNames()
    SampleSplit split = SampleSplit::Train;
    qint64 fileBytes = 0;
};

struct DatasetIndexOptions {
    double valFraction = 0.1; // without train/ and val/ folders: the seeded, stratified share for Val
    quint64 seed = 0;         // the split and the per-class subset depend only on it and the files
    // 0 = all. At most this many samples per class: per split with train/ and val/ folders,
    // before the split otherwise. Which files are kept is a seeded choice, not the first names.
    int perClassLimit = 0;
};

// An immutable snapshot of a dataset folder: cheap to copy and to pass between threads.
//
// Layouts: ROOT/train/<class>/... (and optionally ROOT/val/<class>/...), or ROOT/<class>/... with a
// seeded split. Class names are the sorted folder names (like torchvision's ImageFolder; the label
// is the position), files are found recursively below each class folder. Only the first bytes of a
// file are read, to recognise JPEG, PNG, BMP, WebP and TIFF by their magic number; unreadable,
// empty and other files are listed in skipped() with the reason.
class DatasetIndex {
public:
    DatasetIndex();

    // progress(done, total) counts files and may be called from the scanning thread. When cancel
    // becomes true the scan stops and error() says so.
    [[nodiscard]] static DatasetIndex scan(const QString &root, const DatasetIndexOptions &options = {},
                                           const std::atomic<bool> *cancel = nullptr,
                                           const std::function<void(qint64, qint64)> &progress = {});

    // An index made from samples chosen elsewhere (a curated manifest): sorted like scan()'s, with
    // labels outside classNames dropped. hasSplitFolders() is false.
    [[nodiscard]] static DatasetIndex fromSamples(const QString &root, const QStringList &classNames,
                                                  std::vector<IndexedSample> samples,
                                                  std::vector<SkippedFile> skipped = {});

    [[nodiscard]] QString root() const;
    [[nodiscard]] QStringList classNames() const;
    [[nodiscard]] const std::vector<IndexedSample> &samples() const; // by split, label, then path
    [[nodiscard]] const std::vector<SkippedFile> &skipped() const;   // sorted by path
    // Non-empty when the root itself is unusable ("no class folders in ..."), or on cancel.
    [[nodiscard]] QString error() const;
    [[nodiscard]] bool hasSplitFolders() const; // train/ (and val/) were found under the root
    [[nodiscard]] bool isEmpty() const { return samples().empty(); }

    [[nodiscard]] std::vector<int> indicesOf(SampleSplit split) const;
    [[nodiscard]] std::vector<qint64> classCounts(SampleSplit split) const; // one per class

private:
    struct Data;
    explicit DatasetIndex(std::shared_ptr<const Data> data);

    std::shared_ptr<const Data> m_data;
};

} // namespace tandem
