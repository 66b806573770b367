// Train/validation assignment for a manifest: seeded and stratified per class, or the scanned folders.
#pragma once

#include "curation/dataset_manifest.h"

#include <vector>

namespace tandem {

// Pure functions: the same manifest, fraction and seed give the same split on every platform.
class StratifiedSplitter {
public:
    StratifiedSplitter() = delete;

    // Per current class, round(n × valFraction) of the entries go to validation, chosen by a
    // seeded shuffle of the class's paths (sorted first, so file-system order does not matter).
    // Excluded entries are split too, so that including one later does not move the others.
    [[nodiscard]] static std::vector<SampleSplit> split(const DatasetManifest &manifest, double valFraction,
                                                        quint64 seed);

    // The split each entry was scanned with (train/ and val/ folders when the dataset has them).
    [[nodiscard]] static std::vector<SampleSplit> fromFolders(const DatasetManifest &manifest);
};

} // namespace tandem
