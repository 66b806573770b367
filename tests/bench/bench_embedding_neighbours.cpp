// bench-embedding-neighbours: semantic near-duplicate search, FLANN index against all pairs.
//   bench-embedding-neighbours [--count N] [--dimensions D] [--copies C]
// Seeded Gaussian embeddings (random directions) with C planted near copies (cos ≈ 0.995). Prints
// the time of each path, their ratio, and the index's recall of the pairs that all-pairs finds.
#include "labels/embedding_neighbours.h"

#include "common/seeded_random.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include <cmath>
#include <cstdio>
#include <set>

using tandem::EmbeddingNeighbours;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("count"), QStringLiteral("Embeddings."), QStringLiteral("N"), QStringLiteral("20000")});
    parser.addOption(
        {QStringLiteral("dimensions"), QStringLiteral("Values each."), QStringLiteral("D"), QStringLiteral("256")});
    parser.addOption(
        {QStringLiteral("copies"), QStringLiteral("Planted near copies."), QStringLiteral("C"), QStringLiteral("500")});
    parser.addHelpOption();
    parser.process(app);
    const int count = parser.value(QStringLiteral("count")).toInt();
    const int dimensions = parser.value(QStringLiteral("dimensions")).toInt();
    const int copies = parser.value(QStringLiteral("copies")).toInt();
    if (count < 2 || dimensions < 1 || copies < 0 || copies > count) {
        std::fprintf(stderr, "bench-embedding-neighbours: need count ≥ 2, dimensions ≥ 1, 0 ≤ copies ≤ count\n");
        return 2;
    }

    tandem::SeededRandom random(14);
    const auto gaussian = [&random] {
        const double u = 1.0 - random.uniform();
        return float(std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * random.uniform()));
    };
    const int originals = count - copies;
    std::vector<float> embeddings;
    embeddings.reserve(std::size_t(count) * std::size_t(dimensions));
    for (int i = 0; i < originals * dimensions; ++i)
        embeddings.push_back(gaussian());
    for (int c = 0; c < copies; ++c) {
        const auto original = std::size_t(random.below(quint64(originals)));
        for (int k = 0; k < dimensions; ++k)
            embeddings.push_back(embeddings[original * std::size_t(dimensions) + std::size_t(k)] + 0.1F * gaussian());
    }

    EmbeddingNeighbours::Options all;
    all.exactBelow = count + 1;
    EmbeddingNeighbours::Options indexed;
    indexed.exactBelow = 0;
    QString error;
    QElapsedTimer timer;
    timer.start();
    const auto exact = EmbeddingNeighbours::similarPairs(embeddings, dimensions, all, &error);
    const double exactMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const auto approximate = EmbeddingNeighbours::similarPairs(embeddings, dimensions, indexed, &error);
    const double indexMs = double(timer.nsecsElapsed()) / 1e6;
    if (!exact || !approximate) {
        std::fprintf(stderr, "bench-embedding-neighbours: %s\n", qPrintable(error));
        return 1;
    }
    std::set<std::pair<int, int>> truth;
    for (const auto &pair : exact->pairs)
        truth.insert({pair.a, pair.b});
    std::size_t found = 0;
    for (const auto &pair : approximate->pairs)
        found += truth.count({pair.a, pair.b});
    std::printf("%d embeddings of %d values, %d planted copies, cosine >= %.2f\n", count, dimensions, copies,
                indexed.minSimilarity);
    std::printf("all pairs:   %9.1f ms, %zu pairs\n", exactMs, exact->pairs.size());
    std::printf("FLANN index: %9.1f ms, %zu pairs (%d trees, %d checks, %d neighbours)\n", indexMs,
                approximate->pairs.size(), indexed.trees, indexed.checks, indexed.neighbours);
    std::printf("index %.1fx faster, recall %.3f (%zu of %zu)\n", exactMs / indexMs,
                truth.empty() ? 1.0 : double(found) / double(truth.size()), found, truth.size());
    return 0;
}
