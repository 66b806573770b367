// Applies a curated manifest to the image files themselves: the one operation that moves files.
#pragma once

#include "curation/dataset_manifest.h"

#include <QString>

#include <atomic>
#include <functional>

namespace tandem {

struct ApplyResult {
    DatasetManifest manifest; // the same curation, with the new relative paths (nothing left to apply)
    qint64 moved = 0;
    QString error; // empty on success; on failure every move made was undone
    [[nodiscard]] bool ok() const { return error.isEmpty(); }
};

// Only on an explicit request from the person (the Curate tab asks for confirmation). Files are
// moved, never deleted or rewritten: an included image goes to its current class folder (under
// train/ or val/ for its split when the dataset has split folders), an excluded one to
// ROOT/.tandem-excluded/ (a hidden folder, which a scan does not read) keeping its path. Names
// already taken get "-2", "-3"; class folders left empty are removed. A failed move rolls back
// the ones before it.
class ManifestApplier {
public:
    ManifestApplier() = delete;

    static constexpr const char *kExcludedFolder = ".tandem-excluded";

    // Where each entry's file belongs, relative to the root (pure; used by apply()).
    [[nodiscard]] static QString targetPath(const DatasetManifest &manifest, const ManifestEntry &entry,
                                            bool splitFolders);
    [[nodiscard]] static ApplyResult apply(const DatasetManifest &manifest, const std::atomic<bool> *cancel = nullptr,
                                           const std::function<void(qint64, qint64)> &progress = {});
};

} // namespace tandem
