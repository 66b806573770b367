// SeededRandom: the same seed gives the same stream everywhere (golden values), in range, shuffled.
#include "common/seeded_random.h"

#include <QTest>

#include <algorithm>
#include <numeric>
#include <vector>

using namespace tandem;

class TestSeededRandom : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void streamIsSplitmix64()
    {
        // The first outputs of splitmix64 seeded with 0 (Vigna's reference implementation).
        SeededRandom random(0);
        QCOMPARE(random.next(), Q_UINT64_C(0xe220a8397b1dcdaf));
        QCOMPARE(random.next(), Q_UINT64_C(0x6e789e6aa1b965f4));
        QCOMPARE(random.next(), Q_UINT64_C(0x06c45d188009454f));
    }

    void belowStaysInRange()
    {
        SeededRandom random(99);
        std::vector<int> seen(7, 0);
        for (int i = 0; i < 7000; ++i) {
            const quint64 value = random.below(7);
            QVERIFY(value < 7);
            ++seen[size_t(value)];
        }
        for (int count : seen)
            QVERIFY2(count > 800 && count < 1200, qPrintable(QString::number(count)));
    }

    void shuffleIsAPermutationAndRepeats()
    {
        std::vector<int> a(100);
        std::iota(a.begin(), a.end(), 0);
        std::vector<int> b = a;
        SeededRandom(5).shuffle(a);
        SeededRandom(5).shuffle(b);
        QCOMPARE(a, b);
        std::vector<int> sorted = a;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < 100; ++i)
            QCOMPARE(sorted[size_t(i)], i);
        std::vector<int> c(100);
        std::iota(c.begin(), c.end(), 0);
        SeededRandom(6).shuffle(c);
        QVERIFY(a != c);
    }
};

QTEST_GUILESS_MAIN(TestSeededRandom)
#include "tst_seeded_random.moc"
