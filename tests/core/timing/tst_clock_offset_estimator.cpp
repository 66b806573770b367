// Tests ClockOffsetEstimator against synthetic ping/pong exchanges with known offsets and delays.
#include "timing/clock_offset_estimator.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <deque>

using tandem::ClockOffsetEstimator;

namespace {

constexpr qint64 kUs = 1000;
constexpr qint64 kMs = 1000 * kUs;
constexpr qint64 kSecond = 1000 * kMs;

struct Exchange {
    qint64 t1, t2, t3, t4;
    qint64 delay; // the true round trip less the agent's turnaround
};

// One exchange: the ping takes `outbound` ns, the agent turns it around in `turnaround` ns, the pong
// takes `inbound` ns. The agent's clock reads the client's plus `offset`.
Exchange exchange(qint64 clientNow, qint64 offset, qint64 outbound, qint64 turnaround, qint64 inbound)
{
    Exchange e;
    e.t1 = clientNow;
    e.t2 = clientNow + outbound + offset;
    e.t3 = e.t2 + turnaround;
    e.t4 = e.t3 - offset + inbound;
    e.delay = outbound + inbound;
    return e;
}

} // namespace

class TestClockOffsetEstimator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recoversKnownOffset_data();
    void recoversKnownOffset();
    void choosesMinimumDelaySample();
    void windowSlides();
    void fullyAsymmetricDelayStaysWithinBound();
    void rejectsImpossibleSamples();
    void emptyEstimatorHasNoEstimate();
};

void TestClockOffsetEstimator::recoversKnownOffset_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("outboundBase"); // one-way delays: base + uniform jitter
    QTest::addColumn<qint64>("outboundJitter");
    QTest::addColumn<qint64>("inboundBase");
    QTest::addColumn<qint64>("inboundJitter");
    QTest::addColumn<quint32>("seed");

    // Uploads are slower than downloads on home links: the outbound leg carries the asymmetry.
    QTest::newRow("+3.2 s, slow uplink") << 3200 * kMs << 12 * kMs << 30 * kMs << 3 * kMs << 4 * kMs << 1u;
    QTest::newRow("-50 ms, slow downlink") << -50 * kMs << 2 * kMs << 3 * kMs << 15 * kMs << 40 * kMs << 2u;
    QTest::newRow("zero, loopback") << qint64(0) << 20 * kUs << 80 * kUs << 10 * kUs << 30 * kUs << 3u;
    // Unrelated monotonic origins: the agent booted days before the desktop.
    QTest::newRow("+5 days, tunnel") << 5 * 86400 * kSecond << 40 * kMs << 200 * kMs << 35 * kMs << 60 * kMs << 4u;
    QTest::newRow("-7 h, lan") << -7 * 3600 * kSecond << 300 * kUs << 2 * kMs << 250 * kUs << 500 * kUs << 5u;
}

void TestClockOffsetEstimator::recoversKnownOffset()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, outboundBase);
    QFETCH(qint64, outboundJitter);
    QFETCH(qint64, inboundBase);
    QFETCH(qint64, inboundJitter);
    QFETCH(quint32, seed);

    constexpr int kWindow = 16;
    ClockOffsetEstimator estimator(kWindow);
    QRandomGenerator random(seed);
    std::deque<qint64> recentDelays;
    qint64 clientNow = 1'000 * kSecond;
    for (int i = 0; i < 60; ++i) {
        const qint64 outbound = outboundBase + qint64(random.bounded(double(outboundJitter)));
        const qint64 inbound = inboundBase + qint64(random.bounded(double(inboundJitter)));
        const qint64 turnaround = 5 * kUs + qint64(random.bounded(double(500 * kUs)));
        const Exchange e = exchange(clientNow, offset, outbound, turnaround, inbound);
        estimator.addSample(e.t1, e.t2, e.t3, e.t4);
        recentDelays.push_back(e.delay);
        if (int(recentDelays.size()) > kWindow)
            recentDelays.pop_front();
        clientNow += 2 * kSecond;

        QVERIFY(estimator.hasEstimate());
        const qint64 error = estimator.offsetNs() - offset;
        QVERIFY2(std::abs(error) <= estimator.uncertaintyNs(),
                 qPrintable(QStringLiteral("exchange %1: error %2 ns exceeds the stated ±%3 ns")
                                .arg(i)
                                .arg(error)
                                .arg(estimator.uncertaintyNs())));
    }
    // The reported uncertainty is half the smallest round trip in the window, nothing larger.
    const qint64 minDelay = *std::min_element(recentDelays.begin(), recentDelays.end());
    QCOMPARE(estimator.roundTripNs(), minDelay);
    QCOMPARE(estimator.uncertaintyNs(), (minDelay + 1) / 2);
    QCOMPARE(estimator.sampleCount(), kWindow);
    // Mapping an agent time stamp onto the client's clock is off by the error only.
    const qint64 agentStamp = clientNow + offset;
    QVERIFY(std::abs(estimator.toClientNs(agentStamp) - clientNow) <= estimator.uncertaintyNs());
}

void TestClockOffsetEstimator::choosesMinimumDelaySample()
{
    ClockOffsetEstimator estimator(8);
    // Same true offset; the asymmetric samples with long delays are off by several ms.
    const qint64 offset = 700 * kMs;
    const Exchange slow = exchange(10 * kSecond, offset, 20 * kMs, 100 * kUs, 1 * kMs);
    const Exchange fast = exchange(11 * kSecond, offset, 1100 * kUs, 100 * kUs, 900 * kUs);
    const Exchange medium = exchange(12 * kSecond, offset, 1 * kMs, 100 * kUs, 8 * kMs);
    for (const Exchange &e : {slow, fast, medium})
        estimator.addSample(e.t1, e.t2, e.t3, e.t4);

    QCOMPARE(estimator.roundTripNs(), 2 * kMs);
    QCOMPARE(estimator.offsetNs(), offset + 100 * kUs); // (1.1 ms − 0.9 ms) / 2 of asymmetry
    QCOMPARE(estimator.uncertaintyNs(), 1 * kMs);
    QCOMPARE(estimator.sampleCount(), 3);
}

void TestClockOffsetEstimator::windowSlides()
{
    ClockOffsetEstimator estimator(4);
    // The best sample comes first and says the offset is 1 s; later ones say 2 s with more delay.
    const Exchange best = exchange(1 * kSecond, 1 * kSecond, 100 * kUs, 10 * kUs, 100 * kUs);
    estimator.addSample(best.t1, best.t2, best.t3, best.t4);
    QCOMPARE(estimator.offsetNs(), 1 * kSecond);

    for (int i = 1; i <= 4; ++i) {
        const Exchange later = exchange((1 + i) * kSecond, 2 * kSecond, i * kMs, 10 * kUs, i * kMs);
        estimator.addSample(later.t1, later.t2, later.t3, later.t4);
        if (i < 4) {
            QCOMPARE(estimator.offsetNs(), 1 * kSecond); // still in the window
            QCOMPARE(estimator.sampleCount(), i + 1);
        }
    }
    // Five samples into a window of four: the 1 s sample fell out; the best left is i = 1.
    QCOMPARE(estimator.sampleCount(), 4);
    QCOMPARE(estimator.offsetNs(), 2 * kSecond);
    QCOMPARE(estimator.roundTripNs(), 2 * kMs);
}

void TestClockOffsetEstimator::fullyAsymmetricDelayStaysWithinBound()
{
    // The worst case: the whole round trip on one leg. The error equals the bound, exactly.
    ClockOffsetEstimator estimator;
    const qint64 offset = -123'456'789;
    const Exchange e = exchange(50 * kSecond, offset, 0, 250 * kUs, 9 * kMs + 1);
    estimator.addSample(e.t1, e.t2, e.t3, e.t4);
    const qint64 error = estimator.offsetNs() - offset;
    QVERIFY(error != 0);
    QVERIFY2(std::abs(error) <= estimator.uncertaintyNs(),
             qPrintable(QStringLiteral("error %1 ns, bound %2 ns").arg(error).arg(estimator.uncertaintyNs())));
    QCOMPARE(estimator.uncertaintyNs(), (9 * kMs + 2) / 2);
}

void TestClockOffsetEstimator::rejectsImpossibleSamples()
{
    ClockOffsetEstimator estimator;
    estimator.addSample(100, 50, 60, 90);  // pong arrived before the ping left
    estimator.addSample(100, 60, 50, 200); // agent replied before it received
    QVERIFY(!estimator.hasEstimate());
    QCOMPARE(estimator.rejectedCount(), 2);
    QCOMPARE(estimator.sampleCount(), 0);

    estimator.addSample(100, 150, 160, 200);
    QVERIFY(estimator.hasEstimate());
    QCOMPARE(estimator.offsetNs(), qint64(5));
    QCOMPARE(estimator.roundTripNs(), qint64(90));
}

void TestClockOffsetEstimator::emptyEstimatorHasNoEstimate()
{
    ClockOffsetEstimator estimator(0); // clamped to a window of one
    QVERIFY(!estimator.hasEstimate());
    QCOMPARE(estimator.offsetNs(), qint64(0));
    QCOMPARE(estimator.uncertaintyNs(), qint64(0));
    QCOMPARE(estimator.window(), 1);
    QCOMPARE(estimator.toClientNs(42), qint64(42));
}

QTEST_GUILESS_MAIN(TestClockOffsetEstimator)
#include "tst_clock_offset_estimator.moc"
