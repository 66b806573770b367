#include "curation/duplicate_finder.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace tandem {

namespace {
struct UnionFind {
    explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), size_t(0)); }
    size_t root(size_t i)
    {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    }
    void join(size_t a, size_t b) { parent[root(a)] = root(b); }
    std::vector<size_t> parent;
};

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
    for (size_t i = 0; i < hashes.size(); ++i) {
        if (!manifest.entries[i].included || hashes[i].contentHash == 0)
            continue;
        const auto [it, inserted] = contentSlot.try_emplace(hashes[i].contentHash, byContent.size());
        if (inserted) {
            byContent.emplace_back();
            perceptual.push_back(hashes[i].perceptualHash);
            hasPerceptual.push_back(hashes[i].ok());
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

    const size_t count = byContent.size();
    UnionFind sets(count);
    std::vector<int> linkDistance(count, 0);
    for (size_t a = 0; a < count; ++a) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return {};
        if (!hasPerceptual[a])
            continue;
        for (size_t b = a + 1; b < count; ++b) {
            if (!hasPerceptual[b])
                continue;
            const int distance = ImageHasher::hammingDistance(perceptual[a], perceptual[b]);
            if (distance <= nearThreshold) {
                const int worst = std::max({distance, linkDistance[sets.root(a)], linkDistance[sets.root(b)]});
                sets.join(a, b);
                linkDistance[sets.root(a)] = worst;
            }
        }
    }
    std::unordered_map<size_t, std::vector<size_t>> components;
    for (size_t slot = 0; slot < count; ++slot)
        components[sets.root(slot)].push_back(slot);
    std::vector<DuplicateGroup> nearGroups;
    for (auto &[root, slots] : components) {
        if (slots.size() < 2)
            continue;
        DuplicateGroup group;
        group.kind = DuplicateGroup::Kind::Near;
        group.maxDistance = linkDistance[root];
        for (size_t slot : slots)
            group.members.insert(group.members.end(), byContent[slot].begin(), byContent[slot].end());
        describe(group, manifest);
        nearGroups.push_back(std::move(group));
    }
    // unordered_map order is not stable: sort the near groups by their first member.
    std::sort(nearGroups.begin(), nearGroups.end(),
              [](const DuplicateGroup &a, const DuplicateGroup &b) { return a.members.front() < b.members.front(); });
    groups.insert(groups.end(), std::make_move_iterator(nearGroups.begin()), std::make_move_iterator(nearGroups.end()));
    return groups;
}

} // namespace tandem
