// Groups of identical and near-identical images in a manifest, and what each group means.
#pragma once

#include "curation/dataset_manifest.h"
#include "curation/image_hasher.h"

#include <atomic>
#include <vector>

namespace tandem {

struct DuplicateGroup {
    enum class Kind : quint8 { Exact, Near };

    Kind kind = Kind::Exact;
    std::vector<int> members;  // entry indices: train before validation, then by path
    bool crossClass = false;   // members carry different labels: a likely labelling error
    bool trainValLeak = false; // members sit in both splits: validation would score seen images
    int maxDistance = 0;       // near groups: the largest pHash distance of a member to the representative

    [[nodiscard]] bool withinClass() const { return !crossClass; }
    // The one-click resolution: keep the first member, exclude the others.
    [[nodiscard]] std::vector<int> othersThanFirst() const { return {members.begin() + 1, members.end()}; }
};

// Looks only at included entries. Exact groups share the content hash. Near groups hold images
// that are not all byte-identical and look the same twice over: their 64-bit perceptual hashes
// differ in at most nearThreshold bits, and their 16 × 16 grey thumbnails differ by at most
// kMaxThumbnailDifference levels on average over 8 × 8 blocks. The second test is what small images
// need: on 28 × 28 Fashion-MNIST, 0.6 % of all pairs of images have pHashes within 8 bits, while
// JPEG re-encodes differ by 1–3 levels and the median pair of those look-alikes by about 29.
//
// Groups form around a representative, never by chaining (clusterAroundRepresentatives): every
// member matches the representative itself.
// A 64-bit pHash of a JPEG re-encoded at quality 60 and shrunk to 70 % stays within a few bits,
// distinct photographs differ in about 32.
class DuplicateFinder {
public:
    DuplicateFinder() = delete;

    static constexpr int kDefaultNearThreshold = 8;
    static constexpr double kMaxThumbnailDifference = 4.0; // mean absolute difference, grey levels

    // Mean absolute difference of two images' thumbnails, in grey levels (0–255).
    [[nodiscard]] static double thumbnailDifference(const ImageHashes &a, const ImageHashes &b);

    // hashes has one element per manifest entry. Near matching compares every pair of distinct
    // images (64-bit popcount: bench-hashing measured 0.66 s for 20,000, so about 16 s for 100,000,
    // on one core); cancel is polled per row.
    [[nodiscard]] static std::vector<DuplicateGroup> find(const DatasetManifest &manifest,
                                                          const std::vector<ImageHashes> &hashes,
                                                          int nearThreshold = kDefaultNearThreshold,
                                                          const std::atomic<bool> *cancel = nullptr);
};

} // namespace tandem
