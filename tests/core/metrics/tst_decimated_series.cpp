// DecimatedSeries: min/max per pixel column keeps every extreme and few points.
#include "metrics/decimated_series.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace tandem;

class TestDecimatedSeries : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fewPointsAreReturnedAsTheyAre()
    {
        DecimatedSeries s;
        for (int i = 0; i < 10; ++i)
            s.append(i, i * i);
        const QList<QPointF> out = s.decimate(2, 5, 100);
        // 2..5 plus one neighbour on each side
        QCOMPARE(out.size(), 6);
        QCOMPARE(out.first(), QPointF(1, 1));
        QCOMPARE(out.last(), QPointF(6, 36));
    }

    void decimation_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("columns");
        QTest::newRow("1e6 on 800") << 1'000'000 << 800;
        QTest::newRow("1e5 on 1") << 100'000 << 1;
        QTest::newRow("3000 on 1000") << 3000 << 1000;
    }
    void decimation()
    {
        QFETCH(int, points);
        QFETCH(int, columns);
        DecimatedSeries s;
        s.reserve(std::size_t(points));
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (int i = 0; i < points; ++i) {
            const double y = std::sin(i * 0.001) + ((qint64(i) * 7919) % 101) / 100.0;
            lo = std::min(lo, y);
            hi = std::max(hi, y);
            s.append(i, y);
        }
        const QList<QPointF> out = s.decimate(0, points - 1, columns);
        QVERIFY(out.size() <= 2 * columns + 2);
        double outLo = std::numeric_limits<double>::infinity();
        double outHi = -outLo;
        for (int i = 0; i < out.size(); ++i) {
            outLo = std::min(outLo, out[i].y());
            outHi = std::max(outHi, out[i].y());
            if (i > 0)
                QVERIFY(out[i].x() >= out[i - 1].x()); // in x order
        }
        QCOMPARE(outLo, lo); // every extreme survives
        QCOMPARE(outHi, hi);
        const auto range = s.yRange(0, points - 1);
        QVERIFY(range);
        QCOMPARE(range->first, lo);
        QCOMPARE(range->second, hi);
    }

    void nonFiniteValuesAreNotDrawn()
    {
        DecimatedSeries s;
        s.append(0, 1);
        s.append(1, std::numeric_limits<double>::quiet_NaN());
        s.append(2, std::numeric_limits<double>::infinity());
        s.append(3, 2);
        const QList<QPointF> out = s.decimate(0, 3, 100);
        QCOMPARE(out.size(), 2);
        const auto range = s.yRange(0, 3);
        QCOMPARE(range->second, 2.0);
    }

    void decreasingXIsClamped()
    {
        DecimatedSeries s;
        s.append(5, 1);
        s.append(3, 2);
        QCOMPARE(s.xAt(1), 5.0);
        QCOMPARE(s.xRange()->first, 5.0);
    }

    void emptyAndInvertedRanges()
    {
        DecimatedSeries s;
        QVERIFY(s.decimate(0, 10, 10).isEmpty());
        QVERIFY(!s.yRange(0, 10));
        s.append(1, 1);
        QVERIFY(s.decimate(5, 2, 10).isEmpty());
    }

    void benchmarkMillionPoints()
    {
        DecimatedSeries s;
        s.reserve(1'000'000);
        for (int i = 0; i < 1'000'000; ++i)
            s.append(i, std::sin(i * 0.01));
        QBENCHMARK
        {
            const QList<QPointF> out = s.decimate(0, 999'999, 1000);
            QVERIFY(!out.isEmpty());
        }
    }
};

QTEST_MAIN(TestDecimatedSeries)
#include "tst_decimated_series.moc"
