// Tests clusterAroundRepresentatives: no chaining, most matches found first, ties by index, and a
// representative whose matches are all taken founds no group.
#include "common/representative_clusters.h"

#include <QTest>

using tandem::clusterAroundRepresentatives;
using Matches = std::vector<std::vector<std::size_t>>;

class TestRepresentativeClusters : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A chain 0–1–2–3–4: transitive joining would make one group of five; around representatives,
    // 1 (two matches, the lower index of the tied 1, 2, 3) takes 0 and 2, then 3 takes 4.
    void aChainIsNotJoined()
    {
        const Matches chain{{1}, {0, 2}, {1, 3}, {2, 4}, {3}};
        const auto clusters = clusterAroundRepresentatives(chain);
        QCOMPARE(clusters.size(), std::size_t(2));
        QCOMPARE(clusters[0].representative, std::size_t(1));
        QCOMPARE(clusters[0].members, (std::vector<std::size_t>{1, 0, 2}));
        QCOMPARE(clusters[1].representative, std::size_t(3));
        QCOMPARE(clusters[1].members, (std::vector<std::size_t>{3, 4}));
        for (const auto &cluster : clusters)
            for (const std::size_t member : cluster.members)
                QVERIFY(member == cluster.representative ||
                        std::count(chain[cluster.representative].begin(), chain[cluster.representative].end(), member));
    }

    // A star around 3 and a pair: the hub founds first, then the pair.
    void mostMatchesFirst()
    {
        const Matches star{{3}, {3}, {3}, {0, 1, 2}, {5}, {4}, {}};
        const auto clusters = clusterAroundRepresentatives(star);
        QCOMPARE(clusters.size(), std::size_t(2));
        QCOMPARE(clusters[0].members, (std::vector<std::size_t>{3, 0, 1, 2}));
        QCOMPARE(clusters[1].members, (std::vector<std::size_t>{4, 5}));
    }

    // 0 matches 1 and 2, 3 matches only 1 and 2: once 0 took them, 3 is left alone, in no group.
    void takenMatchesFoundNothing()
    {
        const Matches m{{1, 2}, {0, 3}, {0, 3}, {1, 2}};
        const auto clusters = clusterAroundRepresentatives(m);
        QCOMPARE(clusters.size(), std::size_t(1));
        QCOMPARE(clusters[0].members, (std::vector<std::size_t>{0, 1, 2}));
    }

    void nothingMatches() { QVERIFY(clusterAroundRepresentatives(Matches(4)).empty()); }
};

QTEST_GUILESS_MAIN(TestRepresentativeClusters)
#include "tst_representative_clusters.moc"
