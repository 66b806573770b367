// Tests EmbeddingNeighbours: exact pairs by hand, the FLANN path against all pairs on seeded vectors
// with planted near copies, groups without chaining, and its guards.
#include "labels/embedding_neighbours.h"

#include "common/seeded_random.h"

#include <QTest>

#include <cmath>
#include <set>

using tandem::EmbeddingNeighbours;

namespace {

// Gaussian values by Box–Muller from the project's seeded generator.
float gaussian(tandem::SeededRandom &random)
{
    const double u = 1.0 - random.uniform();
    const double v = random.uniform();
    return float(std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v));
}

struct Planted {
    std::vector<float> embeddings;
    std::set<std::pair<int, int>> copies; // (original, copy)
};

// count random directions in `dimensions`, then `copies` of them with a little noise appended:
// cos(original, copy) ≈ 1 / sqrt(1 + noise²) ≈ 0.995 at noise 0.1.
Planted planted(int count, int dimensions, int copies, quint64 seed)
{
    tandem::SeededRandom random(seed);
    Planted p;
    for (int i = 0; i < count * dimensions; ++i)
        p.embeddings.push_back(gaussian(random));
    for (int c = 0; c < copies; ++c) {
        const int original = int(random.below(quint64(count)));
        const int copy = count + c;
        for (int k = 0; k < dimensions; ++k)
            p.embeddings.push_back(p.embeddings[std::size_t(original) * dimensions + k] + 0.1F * gaussian(random));
        p.copies.insert({original, copy});
    }
    return p;
}

} // namespace

class TestEmbeddingNeighbours : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactPairsByHand()
    {
        // 0 and 1 are 8.1° apart (cos 0.990), 2 is orthogonal to both, 3 has no direction.
        const std::vector<float> e{1, 0, 0, 0.99F, 0.14F, 0, 0, 0, 5, 0, 0, 0};
        QString error;
        const auto result = EmbeddingNeighbours::similarPairs(e, 3, {}, &error);
        QVERIFY2(result, qPrintable(error));
        QVERIFY(!result->approximate);
        QCOMPARE(result->pairs.size(), std::size_t(1));
        QCOMPARE(result->pairs[0].a, 0);
        QCOMPARE(result->pairs[0].b, 1);
        QVERIFY(std::abs(result->pairs[0].similarity - 0.99 / std::sqrt(0.99 * 0.99 + 0.14 * 0.14)) < 1e-5);
        // Scale does not matter, only direction.
        EmbeddingNeighbours::Options loose;
        loose.minSimilarity = 0.0;
        QCOMPARE(EmbeddingNeighbours::similarPairs(e, 3, loose, &error)->pairs.size(), std::size_t(3));
    }

    // The index finds the planted copies, and everything it reports is a true pair of the exact path.
    void indexAgreesWithAllPairs()
    {
        const Planted p = planted(4000, 64, 200, 14);
        EmbeddingNeighbours::Options exact;
        exact.exactBelow = 1 << 30;
        EmbeddingNeighbours::Options indexed;
        indexed.exactBelow = 0;
        QString error;
        const auto all = EmbeddingNeighbours::similarPairs(p.embeddings, 64, exact, &error);
        const auto approximate = EmbeddingNeighbours::similarPairs(p.embeddings, 64, indexed, &error);
        QVERIFY2(all && approximate, qPrintable(error));
        QVERIFY(approximate->approximate);

        std::set<std::pair<int, int>> truth;
        for (const auto &pair : all->pairs)
            truth.insert({pair.a, pair.b});
        for (const auto &copy : p.copies)
            QVERIFY(truth.count({std::min(copy.first, copy.second), std::max(copy.first, copy.second)}));
        std::size_t found = 0;
        for (const auto &pair : approximate->pairs) {
            QVERIFY(pair.a < pair.b);
            QVERIFY(pair.similarity >= indexed.minSimilarity);
            QVERIFY(truth.count({pair.a, pair.b}));
            ++found;
        }
        qInfo("index: %zu of %zu true pairs", found, truth.size());
        QVERIFY2(double(found) >= 0.95 * double(truth.size()), qPrintable(QString::number(found)));
    }

    void groupsFormAroundRepresentatives()
    {
        // A chain 0–1–2–3 and a pair 4–5: 1 takes 0 and 2; 3's only match is taken; not one group of four.
        const std::vector<EmbeddingNeighbours::Pair> pairs{
            {0, 1, 0.97F}, {1, 2, 0.97F}, {2, 3, 0.97F}, {4, 5, 0.99F}, {6, 9, 0.99F}};
        const auto groups = EmbeddingNeighbours::groups(7, pairs); // 6–9: out of range, ignored
        QCOMPARE(groups.size(), std::size_t(2));
        QCOMPARE(groups[0], (std::vector<int>{1, 0, 2}));
        QCOMPARE(groups[1], (std::vector<int>{4, 5}));
    }

    void badInputIsRefused()
    {
        QString error;
        QVERIFY(!EmbeddingNeighbours::similarPairs({1, 2, 3, 4, 5}, 2, {}, &error));
        QVERIFY2(error.contains("5 values do not make embeddings of 2 dimensions"), qPrintable(error));
        QVERIFY(!EmbeddingNeighbours::similarPairs({1, 2, std::nanf(""), 4}, 2, {}, &error));
        QVERIFY2(error.contains("embedding 1: value 0 is not a finite number"), qPrintable(error));
    }

    void cancelStops()
    {
        const Planted p = planted(4000, 16, 0, 3);
        const std::atomic<bool> cancel{true};
        QString error;
        QVERIFY(!EmbeddingNeighbours::similarPairs(p.embeddings, 16, {}, &error, &cancel));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingNeighbours)
#include "tst_embedding_neighbours.moc"
