// DecimatedSeries: min/max per pixel column keeps every extreme and few points.
#include "metrics/decimated_series.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>
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

    // The block summaries must pick exactly the points a scan of every point picks: the first
    // minimum and first maximum of each column, NaN and ties included, at any window and width.
    void blocksAgreeWithAFullScan_data()
    {
        QTest::addColumn<double>("x0");
        QTest::addColumn<double>("x1");
        QTest::addColumn<int>("columns");
        QTest::newRow("all on 700") << 0.0 << 19'999.0 << 700;
        QTest::newRow("all on 7") << 0.0 << 19'999.0 << 7;
        QTest::newRow("off-block window") << 1'037.5 << 13'211.25 << 333;
        QTest::newRow("narrow window") << 5'003.0 << 5'900.0 << 100;
    }
    void blocksAgreeWithAFullScan()
    {
        QFETCH(double, x0);
        QFETCH(double, x1);
        QFETCH(int, columns);
        DecimatedSeries s;
        std::vector<double> xs;
        std::vector<double> ys;
        for (int i = 0; i < 20'000; ++i) {
            const double x = i - (i % 3 == 0 ? 0.0 : 0.5); // repeated-ish x: columns of uneven size
            // Few distinct values, so ties are common; some NaN, including whole runs.
            double y = double((qint64(i) * 7919) % 13);
            if (i % 97 == 0 || (i >= 6'400 && i < 6'600))
                y = std::numeric_limits<double>::quiet_NaN();
            s.append(x, y);
            xs.push_back(s.xAt(s.size() - 1));
            ys.push_back(y);
        }
        // The reference: one pass over every point, as min/max per column is defined.
        auto lower = std::size_t(std::lower_bound(xs.begin(), xs.end(), x0) - xs.begin());
        auto upper = std::size_t(std::upper_bound(xs.begin(), xs.end(), x1) - xs.begin());
        if (lower > 0)
            --lower;
        if (upper < xs.size())
            ++upper;
        const double perColumn = columns / (x1 - x0);
        auto columnOf = [&](double x) {
            const double c = std::floor((x - x0) * perColumn);
            return c < 0 ? -1LL : (c >= columns ? qint64(columns) : qint64(c));
        };
        QList<QPointF> expected;
        for (std::size_t i = lower; i < upper;) {
            const qint64 column = columnOf(xs[i]);
            std::size_t lo = xs.size();
            std::size_t hi = xs.size();
            for (; i < upper && columnOf(xs[i]) == column; ++i) {
                if (!std::isfinite(ys[i]))
                    continue;
                if (lo == xs.size() || ys[i] < ys[lo])
                    lo = i;
                if (hi == xs.size() || ys[i] > ys[hi])
                    hi = i;
            }
            if (lo == xs.size())
                continue;
            expected.append(QPointF(xs[std::min(lo, hi)], ys[std::min(lo, hi)]));
            if (lo != hi)
                expected.append(QPointF(xs[std::max(lo, hi)], ys[std::max(lo, hi)]));
        }
        QVERIFY(expected.size() > columns); // the window is decimated, not returned whole
        QCOMPARE(s.decimate(x0, x1, columns), expected);
    }

    void nearestFindsTheClosestPoint()
    {
        DecimatedSeries s;
        QVERIFY(!s.nearest(3.0));
        for (double x : {0.0, 10.0, 10.0, 20.0, 40.0})
            s.append(x, x * 2);
        QCOMPARE(*s.nearest(-5.0), std::size_t(0)); // before the first
        QCOMPARE(*s.nearest(4.9), std::size_t(0));
        QCOMPARE(*s.nearest(5.1), std::size_t(1)); // the first of the two at x = 10
        QCOMPARE(*s.nearest(10.0), std::size_t(1));
        QCOMPARE(*s.nearest(14.0), std::size_t(1));
        QCOMPARE(*s.nearest(16.0), std::size_t(3));
        QCOMPARE(*s.nearest(31.0), std::size_t(4));
        QCOMPARE(*s.nearest(1e9), std::size_t(4)); // after the last
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
