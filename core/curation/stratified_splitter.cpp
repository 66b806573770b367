#include "curation/stratified_splitter.h"

#include "common/seeded_random.h"

#include <algorithm>
#include <cmath>

namespace tandem {

std::vector<SampleSplit> StratifiedSplitter::split(const DatasetManifest &manifest, double valFraction, quint64 seed)
{
    const double fraction = std::clamp(valFraction, 0.0, 1.0);
    std::vector<SampleSplit> splits(manifest.entries.size(), SampleSplit::Train);
    std::vector<std::vector<int>> byClass(size_t(std::max<qsizetype>(manifest.classes.size(), 0)));
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        const qint32 label = manifest.entries[i].label;
        if (label >= 0 && size_t(label) < byClass.size())
            byClass[size_t(label)].push_back(int(i));
    }
    for (size_t label = 0; label < byClass.size(); ++label) {
        std::vector<int> &members = byClass[label];
        std::sort(members.begin(), members.end(), [&manifest](int a, int b) {
            return manifest.entries[size_t(a)].relativePath < manifest.entries[size_t(b)].relativePath;
        });
        SeededRandom random(SeededRandom::mix(seed, label));
        random.shuffle(members);
        const auto valCount = size_t(std::llround(double(members.size()) * fraction));
        for (size_t k = 0; k < valCount && k < members.size(); ++k)
            splits[size_t(members[k])] = SampleSplit::Val;
    }
    return splits;
}

std::vector<SampleSplit> StratifiedSplitter::fromFolders(const DatasetManifest &manifest)
{
    std::vector<SampleSplit> splits;
    splits.reserve(manifest.entries.size());
    for (const ManifestEntry &entry : manifest.entries)
        splits.push_back(entry.originalSplit);
    return splits;
}

} // namespace tandem
