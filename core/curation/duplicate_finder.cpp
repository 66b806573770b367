#include "curation/duplicate_finder.h"

#include "common/representative_clusters.h"

#include <algorithm>
#include <numeric>
#include <cstdlib>
#include <unordered_map>

namespace tandem {

namespace {
void describe(DuplicateGroup &group, const DatasetManifest &manifest)
{
    std::sort(group.members.begin(), group.members.end(), [&manifest](int a, int b) {
        const ManifestEntry &ea = manifest.entries[size_t(a)];
        const ManifestEntry &eb = manifest.entries[size_t(b)];
        if (ea.split != eb.split)
            return ea.split < eb.split;
        return ea.relativePath < eb.relativePath;
    });
    const ManifestEntry &first = manifest.entries[size_t(group.members.front())];
    for (int member : group.members) {
        const ManifestEntry &entry = manifest.entries[size_t(member)];
        group.crossClass = group.crossClass || entry.label != first.label;
        group.trainValLeak = group.trainValLeak || entry.split != first.split;
    }
}
} // namespace

// On 8 × 8 blocks (each the mean of 2 × 2 thumbnail pixels): a copy shrunk by 10 % moves edges by
// a fraction of a 16 × 16 pixel, which the blocks absorb and a pixel-wise difference does not.
double DuplicateFinder::thumbnailDifference(const ImageHashes &a, const ImageHashes &b)
{
    constexpr int side = ImageHashes::kThumbnailSide;
    auto block = [](const ImageHashes &h, int row, int column) {
        const int at = 2 * row * side + 2 * column;
        return int(h.thumbnail[size_t(at)]) + h.thumbnail[size_t(at + 1)] + h.thumbnail[size_t(at + side)] +
               h.thumbnail[size_t(at + side + 1)];
    };
    int sum = 0;
    for (int row = 0; row < side / 2; ++row)
        for (int column = 0; column < side / 2; ++column)
            sum += std::abs(block(a, row, column) - block(b, row, column));
    return double(sum) / 4.0 / double((side / 2) * (side / 2));
}

std::vector<DuplicateGroup> DuplicateFinder::find(const DatasetManifest &manifest,
                                                  const std::vector<ImageHashes> &hashes, int nearThreshold,
                                                  const std::atomic<bool> *cancel)
{
    std::vector<DuplicateGroup> groups;
    if (hashes.size() != manifest.entries.size())
        return groups;

    // Distinct contents among the included entries, in entry order.
    std::unordered_map<quint64, size_t> contentSlot;
    std::vector<std::vector<int>> byContent;
    std::vector<quint64> perceptual;
    std::vector<bool> hasPerceptual;
    std::vector<const ImageHashes *> firstHashes;
    for (size_t i = 0; i < hashes.size(); ++i) {
        if (!manifest.entries[i].included || hashes[i].contentHash == 0)
            continue;
        const auto [it, inserted] = contentSlot.try_emplace(hashes[i].contentHash, byContent.size());
        if (inserted) {
            byContent.emplace_back();
            perceptual.push_back(hashes[i].perceptualHash);
            hasPerceptual.push_back(hashes[i].ok());
            firstHashes.push_back(&hashes[i]);
        }
        byContent[it->second].push_back(int(i));
    }

    for (const std::vector<int> &members : byContent) {
        if (members.size() < 2)
            continue;
        DuplicateGroup group;
        group.kind = DuplicateGroup::Kind::Exact;
        group.members = members;
        describe(group, manifest);
        groups.push_back(std::move(group));
    }

    // Every pair that matches twice over: pHash first (a popcount), the thumbnails only then.
    const size_t count = byContent.size();
    std::vector<std::vector<size_t>> matches(count); // slot → matching slots
    for (size_t a = 0; a < count; ++a) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return {};
        if (!hasPerceptual[a])
            continue;
        for (size_t b = a + 1; b < count; ++b) {
            if (!hasPerceptual[b])
                continue;
            const int distance = ImageHasher::hammingDistance(perceptual[a], perceptual[b]);
            if (distance > nearThreshold ||
                thumbnailDifference(*firstHashes[a], *firstHashes[b]) > kMaxThumbnailDifference)
                continue;
            matches[a].push_back(b);
            matches[b].push_back(a);
        }
    }
    std::vector<DuplicateGroup> nearGroups;
    for (const RepresentativeCluster &cluster : clusterAroundRepresentatives(matches)) {
        DuplicateGroup group;
        group.kind = DuplicateGroup::Kind::Near;
        for (const size_t slot : cluster.members) {
            group.maxDistance = std::max(
                group.maxDistance, ImageHasher::hammingDistance(perceptual[cluster.representative], perceptual[slot]));
            group.members.insert(group.members.end(), byContent[slot].begin(), byContent[slot].end());
        }
        describe(group, manifest);
        nearGroups.push_back(std::move(group));
    }
    // In entry order of their first member, whatever the order they were founded in.
    std::sort(nearGroups.begin(), nearGroups.end(),
              [](const DuplicateGroup &a, const DuplicateGroup &b) { return a.members.front() < b.members.front(); });
    groups.insert(groups.end(), std::make_move_iterator(nearGroups.begin()), std::make_move_iterator(nearGroups.end()));
    return groups;
}

} // namespace tandem
