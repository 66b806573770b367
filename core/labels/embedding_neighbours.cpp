#include "labels/embedding_neighbours.h"

#include "common/representative_clusters.h"

#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>

#include <algorithm>
#include <cmath>

namespace tandem {

namespace {

bool cancelled(const std::atomic<bool> *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

} // namespace

std::optional<EmbeddingNeighbours::Result> EmbeddingNeighbours::similarPairs(const std::vector<float> &embeddings,
                                                                             int dimensions, const Options &options,
                                                                             QString *error,
                                                                             const std::atomic<bool> *cancel)
{
    if (dimensions < 1 || embeddings.size() % std::size_t(dimensions) != 0) {
        *error =
            QStringLiteral("%1 values do not make embeddings of %2 dimensions").arg(embeddings.size()).arg(dimensions);
        return std::nullopt;
    }
    const int count = int(embeddings.size() / std::size_t(dimensions));

    // Unit vectors: cosine similarity becomes a dot product, and 1 − d²/2 for the index's squared L2.
    cv::Mat unit(count, dimensions, CV_32F);
    std::vector<bool> hasDirection(std::size_t(count), false);
    for (int i = 0; i < count; ++i) {
        const float *source = embeddings.data() + std::size_t(i) * std::size_t(dimensions);
        double norm = 0.0;
        for (int k = 0; k < dimensions; ++k) {
            if (!std::isfinite(source[k])) {
                *error = QStringLiteral("embedding %1: value %2 is not a finite number").arg(i).arg(k);
                return std::nullopt;
            }
            norm += double(source[k]) * double(source[k]);
        }
        norm = std::sqrt(norm);
        hasDirection[std::size_t(i)] = norm > 0.0;
        float *row = unit.ptr<float>(i);
        for (int k = 0; k < dimensions; ++k)
            row[k] = norm > 0.0 ? float(double(source[k]) / norm) : 0.F;
    }

    Result result;
    const auto similarity = [&](int a, int b) { return float(unit.row(a).dot(unit.row(b))); };
    if (count < options.exactBelow) {
        // All pairs, as blocks of a matrix product (cv::gemm) rather than one dot product per pair.
        constexpr int kRowsPerBlock = 512;
        cv::Mat similarities;
        for (int first = 0; first < count; first += kRowsPerBlock) {
            if (cancelled(cancel))
                return std::nullopt;
            const int rows = std::min(kRowsPerBlock, count - first);
            cv::gemm(unit.rowRange(first, first + rows), unit.rowRange(first, count), 1.0, cv::noArray(), 0.0,
                     similarities, cv::GEMM_2_T);
            for (int r = 0; r < rows; ++r) {
                const int a = first + r;
                if (!hasDirection[std::size_t(a)])
                    continue;
                const float *row = similarities.ptr<float>(r);
                for (int b = a + 1; b < count; ++b)
                    if (row[b - first] >= options.minSimilarity && hasDirection[std::size_t(b)])
                        result.pairs.push_back({a, b, row[b - first]});
            }
        }
        return result;
    }

    result.approximate = true;
    const int k = std::min(count, options.neighbours + 1); // each sample finds itself first
    cv::flann::Index index(unit, cv::flann::KDTreeIndexParams(options.trees), cvflann::FLANN_DIST_L2);
    const cv::flann::SearchParams search(options.checks);
    constexpr int kQueriesPerCall = 1024; // between calls, cancel is polled
    cv::Mat indices;
    cv::Mat distances;
    for (int first = 0; first < count; first += kQueriesPerCall) {
        if (cancelled(cancel))
            return std::nullopt;
        const int rows = std::min(kQueriesPerCall, count - first);
        index.knnSearch(unit.rowRange(first, first + rows), indices, distances, k, search);
        for (int r = 0; r < rows; ++r) {
            const int a = first + r;
            if (!hasDirection[std::size_t(a)])
                continue;
            for (int n = 0; n < k; ++n) {
                const int b = indices.at<int>(r, n);
                if (b < 0 || b == a || !hasDirection[std::size_t(b)])
                    continue;
                // Exact similarity of the candidate, not the index's (float) distance.
                const float s = similarity(a, b);
                if (s >= options.minSimilarity)
                    result.pairs.push_back({std::min(a, b), std::max(a, b), s});
            }
        }
    }
    // Both ends usually find each other.
    std::sort(result.pairs.begin(), result.pairs.end(),
              [](const Pair &x, const Pair &y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    result.pairs.erase(std::unique(result.pairs.begin(), result.pairs.end(),
                                   [](const Pair &x, const Pair &y) { return x.a == y.a && x.b == y.b; }),
                       result.pairs.end());
    return result;
}

std::vector<std::vector<int>> EmbeddingNeighbours::groups(int count, const std::vector<Pair> &pairs)
{
    std::vector<std::vector<std::size_t>> matches(std::size_t(std::max(count, 0)));
    for (const Pair &pair : pairs) {
        if (pair.a < 0 || pair.b < 0 || pair.a >= count || pair.b >= count || pair.a == pair.b)
            continue;
        matches[std::size_t(pair.a)].push_back(std::size_t(pair.b));
        matches[std::size_t(pair.b)].push_back(std::size_t(pair.a));
    }
    std::vector<std::vector<int>> out;
    for (const RepresentativeCluster &cluster : clusterAroundRepresentatives(matches)) {
        std::vector<int> members;
        members.reserve(cluster.members.size());
        for (const std::size_t m : cluster.members)
            members.push_back(int(m));
        out.push_back(std::move(members));
    }
    return out;
}

} // namespace tandem
