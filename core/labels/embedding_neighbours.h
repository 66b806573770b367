// Pairs of samples whose model embeddings point the same way (cosine similarity), for semantic near
// duplicates: the same photo cropped, rescaled or recoloured, which a perceptual hash misses.
//
// Small sets compare every pair. Larger ones use OpenCV's FLANN (randomised k-d trees over the
// unit-normalised vectors, where squared L2 distance d² = 2 − 2·cos) and ask each sample for its
// nearest neighbours only, so the cost grows as n·log n rather than n²; the answer is then
// approximate, and bench-embedding-neighbours measures its recall against all pairs.
#pragma once

#include <QString>

#include <atomic>
#include <optional>
#include <vector>

namespace tandem {

class EmbeddingNeighbours {
public:
    EmbeddingNeighbours() = delete;

    struct Options {
        double minSimilarity = 0.95; // cosine
        int neighbours = 8;          // per sample, from the index (the approximate path)
        int exactBelow = 3000;       // fewer samples: all pairs, exactly
        int trees = 4;               // FLANN k-d trees
        int checks = 128;            // FLANN leaves visited per query: recall against time
    };

    struct Pair {
        int a = 0; // a < b
        int b = 0;
        float similarity = 0.F;
    };

    struct Result {
        std::vector<Pair> pairs; // by a, then b
        bool approximate = false;
    };

    // embeddings: count × dimensions floats, row-major. A vector of zero length has no direction and
    // pairs with nothing; a value that is not finite is refused with a reason in *error. nullopt
    // also when cancelled.
    [[nodiscard]] static std::optional<Result> similarPairs(const std::vector<float> &embeddings, int dimensions,
                                                            const Options &options, QString *error,
                                                            const std::atomic<bool> *cancel = nullptr);

    // Groups around representatives (clusterAroundRepresentatives): each member is similar to its
    // group's representative, which comes first.
    [[nodiscard]] static std::vector<std::vector<int>> groups(int count, const std::vector<Pair> &pairs);
};

} // namespace tandem
