// Tests TimingSummary on hand-made records whose overlap, percentiles and bottleneck are known.
#include "timing/run_record.h"
#include "timing/timing_summary.h"

#include <QTest>

#include <cmath>

using tandem::BatchRecord;
using tandem::RunRecord;
using tandem::TimingSummary;
using tandem::protocol::Span;
using tandem::protocol::Stage;

Q_DECLARE_METATYPE(Stage)

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kOrigin = 5'000'000'000'000; // a client clock far from zero

// One row of a hand-made timing table: batch, stage, start and end in ms from the origin.
struct Row {
    int batch;
    Stage stage;
    double startMs;
    double endMs;
};

RunRecord makeRecord(const std::vector<Row> &rows, double wallMs, int samplesPerBatch = 32,
                     qint64 wireBytesPerBatch = 1000)
{
    RunRecord record;
    record.wallStartNs = kOrigin;
    record.wallEndNs = kOrigin + qint64(wallMs * kMs);
    for (const Row &row : rows) {
        while (int(record.batches.size()) <= row.batch) {
            BatchRecord batch;
            batch.seq = record.batches.size();
            batch.samples = samplesPerBatch;
            batch.wireBytes = wireBytesPerBatch;
            record.batches.push_back(batch);
        }
        record.batches[size_t(row.batch)].spans.push_back(
            Span{row.stage, kOrigin + qint64(row.startMs * kMs), kOrigin + qint64(row.endMs * kMs)});
    }
    return record;
}

// Three 10 ms stages per batch, for `batches` batches: one after another, or pipelined so that
// batch i's network leg overlaps batch i+1's decode.
std::vector<Row> threeStages(int batches, bool pipelined, double forwardMs = 10.0)
{
    std::vector<Row> rows;
    const double pitch = pipelined ? std::max(10.0, forwardMs) : 20.0 + forwardMs;
    for (int i = 0; i < batches; ++i) {
        const double start = i * pitch;
        rows.push_back({i, Stage::Decode, start, start + 10});
        rows.push_back({i, Stage::Network, start + 10, start + 20});
        rows.push_back({i, Stage::Forward, start + 20, start + 20 + forwardMs});
    }
    return rows;
}

} // namespace

class TestTimingSummary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void overlap_data();
    void overlap();
    void busyTimeIsTheUnionOfSpans();
    void percentiles();
    void percentileInterpolation_data();
    void percentileInterpolation();
    void unionLength_data();
    void unionLength();
    void waitStagesAreNeitherWorkNorBottleneck();
    void verdict_data();
    void verdict();
    void peakConcurrencyAndUtilisation();
    void emptyRecord();
    void wallFallsBackToSpans();
    void aPauseChangesNoFigure();
    void forwardAndBackwardAreOneResource();
};

// A compute-bound run (a 12 ms forward + 8 ms backward on one thread behind a 5 ms decode and a
// 3 ms upload) paused for 10 s after batch 20: while paused the agent waits in receive for the next
// batch and the desktop's next batch waits for credit; both spans stretch across the pause. Once
// that pause is in the record, every figure is what it was without the pause.
void TestTimingSummary::aPauseChangesNoFigure()
{
    constexpr int kBatches = 40;
    constexpr double kPitch = 20.0; // forward + backward: the device sets the pace
    constexpr double kPauseAt = 21 * kPitch + 1.0;
    constexpr double kPauseMs = 10'000.0;
    std::vector<Row> plain;
    for (int i = 0; i < kBatches; ++i) {
        const double t = i * kPitch;
        plain.push_back({i, Stage::Decode, t, t + 5});
        plain.push_back({i, Stage::Send, t + 5, t + 8});
        plain.push_back({i, Stage::Receive, t + 8, t + 20});
        plain.push_back({i, Stage::Forward, t + 20, t + 32});
        plain.push_back({i, Stage::Backward, t + 32, t + 40});
    }
    const double wallMs = (kBatches - 1) * kPitch + 40;
    const TimingSummary before = TimingSummary::compute(makeRecord(plain, wallMs));
    QVERIFY2(before.verdict.startsWith(QLatin1String("compute-bound")), qPrintable(before.verdict));

    // The same run with the pause: spans after it move by its length, spans across it stretch.
    std::vector<Row> paused;
    for (Row row : plain) {
        if (row.startMs >= kPauseAt) {
            row.startMs += kPauseMs;
            row.endMs += kPauseMs;
        } else if (row.endMs > kPauseAt) {
            row.endMs += kPauseMs;
        }
        paused.push_back(row);
    }
    RunRecord record = makeRecord(paused, wallMs + kPauseMs);
    const TimingSummary unaware = TimingSummary::compute(record); // what the dashboard said before
    QVERIFY2(unaware.verdict != before.verdict, qPrintable(unaware.verdict));

    record.pauses.emplace_back(kOrigin + qint64(kPauseAt * kMs), kOrigin + qint64((kPauseAt + kPauseMs) * kMs));
    const TimingSummary after = TimingSummary::compute(record);
    QCOMPARE(after.verdict, before.verdict);
    QVERIFY(qFuzzyCompare(after.wallSeconds, before.wallSeconds));
    QVERIFY(qFuzzyCompare(after.sequentialOverWall, before.sequentialOverWall));
    QVERIFY(qFuzzyCompare(after.overlapEfficiency, before.overlapEfficiency));
    QVERIFY(qFuzzyCompare(after.agentBusyFraction, before.agentBusyFraction));
    QVERIFY(qFuzzyCompare(after.pausedSeconds, kPauseMs / 1000.0));
    QCOMPARE(after.bottleneck, before.bottleneck);
}

// Forward and backward run one after another on the trainer thread: one resource, whose busy time
// (their sum) bounds the wall time, not the longer of the two.
void TestTimingSummary::forwardAndBackwardAreOneResource()
{
    std::vector<Row> rows;
    for (int i = 0; i < 10; ++i) {
        const double t = i * 20.0;
        rows.push_back({i, Stage::Decode, t, t + 4});
        rows.push_back({i, Stage::Forward, t + 4, t + 14});
        rows.push_back({i, Stage::Backward, t + 14, t + 24});
    }
    const TimingSummary summary = TimingSummary::compute(makeRecord(rows, 204.0));
    QVERIFY(qFuzzyCompare(summary.slowestStageBusySeconds, 0.200)); // 10 × (10 + 10) ms, not 10 × 10 ms
    QCOMPARE(summary.slowestResource, QStringLiteral("the agent's device"));
    QVERIFY(qFuzzyCompare(summary.overlapEfficiency, 204.0 / 200.0)); // not 2.04: the device hid nothing
    QVERIFY2(summary.verdict.startsWith(QLatin1String("compute-bound")), qPrintable(summary.verdict));
}

void TestTimingSummary::overlap_data()
{
    QTest::addColumn<bool>("pipelined");
    QTest::addColumn<int>("batches");
    QTest::addColumn<double>("wallMs");
    QTest::addColumn<double>("overlapEfficiency");
    QTest::addColumn<double>("sequentialOverWall");

    // Sequential: 4 × 30 ms; every stage busy 40 ms; wall 120 ms.
    QTest::newRow("sequential") << false << 4 << 120.0 << 3.0 << 1.0;
    // Pipelined: the last forward ends at (4 − 1) × 10 + 30 = 60 ms.
    QTest::newRow("pipelined, 4 batches") << true << 4 << 60.0 << 1.5 << 2.0;
    // Long runs approach perfect overlap: (100 + 2) × 10 ms of wall for 1000 ms per stage.
    QTest::newRow("pipelined, 100 batches") << true << 100 << 1020.0 << 1.02 << 3000.0 / 1020.0;
}

void TestTimingSummary::overlap()
{
    QFETCH(bool, pipelined);
    QFETCH(int, batches);
    QFETCH(double, wallMs);
    QFETCH(double, overlapEfficiency);
    QFETCH(double, sequentialOverWall);

    const RunRecord record = makeRecord(threeStages(batches, pipelined), wallMs);
    const TimingSummary summary = TimingSummary::compute(record);

    QCOMPARE(summary.batches, batches);
    QCOMPARE(int(summary.stages.size()), 3);
    QCOMPARE(summary.stages[0].stage, Stage::Decode); // pipeline order
    QCOMPARE(summary.stages[2].stage, Stage::Forward);
    for (const auto &stats : summary.stages) {
        QCOMPARE(stats.count, batches);
        QCOMPARE(stats.busyMs, 10.0 * batches);
        QCOMPARE(stats.meanMs, 10.0);
        QVERIFY(qFuzzyCompare(stats.busyFraction, 10.0 * batches / wallMs));
    }
    QVERIFY(qFuzzyCompare(summary.wallSeconds, wallMs / 1000.0));
    QVERIFY(qFuzzyCompare(summary.sequentialSeconds, 3 * 10.0 * batches / 1000.0));
    QVERIFY(qFuzzyCompare(summary.slowestStageBusySeconds, 10.0 * batches / 1000.0));
    QVERIFY(qFuzzyCompare(summary.overlapEfficiency, overlapEfficiency));
    QVERIFY(qFuzzyCompare(summary.sequentialOverWall, sequentialOverWall));
    QVERIFY(qFuzzyCompare(summary.samplesPerSecond, 32.0 * batches / (wallMs / 1000.0)));
    QCOMPARE(summary.wireBytesPerSample, 1000.0 / 32.0);
}

void TestTimingSummary::busyTimeIsTheUnionOfSpans()
{
    // Two decode workers overlap by 5 ms, then a gap, then one more span.
    const RunRecord record =
        makeRecord({{0, Stage::Decode, 0, 10}, {1, Stage::Decode, 5, 15}, {2, Stage::Decode, 30, 40}}, 50);
    const TimingSummary summary = TimingSummary::compute(record);
    const auto *decode = summary.stats(Stage::Decode);
    QVERIFY(decode);
    QCOMPARE(decode->busyMs, 25.0); // not the 30 ms sum
    QCOMPARE(decode->busyFraction, 0.5);
    QCOMPARE(decode->meanMs, 10.0);
    QVERIFY(!summary.stats(Stage::Forward));
}

void TestTimingSummary::percentiles()
{
    // Durations 1, 2, …, 100 ms, in shuffled batch order.
    std::vector<Row> rows;
    for (int i = 0; i < 100; ++i) {
        const int duration = (i * 37) % 100 + 1;
        rows.push_back({i, Stage::Forward, i * 200.0, i * 200.0 + duration});
    }
    const TimingSummary summary = TimingSummary::compute(makeRecord(rows, 20'000));
    const auto *forward = summary.stats(Stage::Forward);
    QVERIFY(forward);
    QCOMPARE(forward->count, 100);
    QCOMPARE(forward->meanMs, 50.5);
    QVERIFY(qFuzzyCompare(forward->p50Ms, 50.5));
    QVERIFY(qFuzzyCompare(forward->p95Ms, 95.05));
    QVERIFY(qFuzzyCompare(forward->p99Ms, 99.01));
    QCOMPARE(forward->busyMs, 5050.0);
}

void TestTimingSummary::percentileInterpolation_data()
{
    QTest::addColumn<std::vector<double>>("values");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<double>("expected");

    QTest::newRow("empty") << std::vector<double>{} << 0.5 << 0.0;
    QTest::newRow("one value") << std::vector<double>{7.0} << 0.99 << 7.0;
    QTest::newRow("median of two") << std::vector<double>{1.0, 3.0} << 0.5 << 2.0;
    QTest::newRow("p0 is the minimum") << std::vector<double>{2.0, 4.0, 9.0} << 0.0 << 2.0;
    QTest::newRow("p100 is the maximum") << std::vector<double>{2.0, 4.0, 9.0} << 1.0 << 9.0;
    QTest::newRow("p75 of five") << std::vector<double>{1, 2, 3, 4, 100} << 0.75 << 4.0;
    QTest::newRow("p90 of five") << std::vector<double>{1, 2, 3, 4, 100} << 0.9 << 61.6;
}

void TestTimingSummary::percentileInterpolation()
{
    QFETCH(std::vector<double>, values);
    QFETCH(double, fraction);
    QFETCH(double, expected);
    QVERIFY(qFuzzyCompare(1.0 + TimingSummary::percentile(values, fraction), 1.0 + expected));
}

using Intervals = std::vector<std::pair<qint64, qint64>>;

void TestTimingSummary::unionLength_data()
{
    QTest::addColumn<Intervals>("intervals");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("none") << Intervals{} << qint64(0);
    QTest::newRow("disjoint") << Intervals{{0, 10}, {20, 25}} << qint64(15);
    QTest::newRow("touching") << Intervals{{0, 10}, {10, 20}} << qint64(20);
    QTest::newRow("nested") << Intervals{{0, 100}, {10, 20}, {30, 40}} << qint64(100);
    QTest::newRow("chain, unsorted") << Intervals{{15, 30}, {0, 10}, {5, 20}} << qint64(30);
    QTest::newRow("empty spans ignored") << Intervals{{5, 5}, {9, 3}, {0, 1}} << qint64(1);
}

void TestTimingSummary::unionLength()
{
    QFETCH(Intervals, intervals);
    QFETCH(qint64, expected);
    QCOMPARE(TimingSummary::unionLengthNs(intervals), expected);
}

void TestTimingSummary::waitStagesAreNeitherWorkNorBottleneck()
{
    // Credit wait dwarfs everything, but waiting is slack, not work.
    const RunRecord record = makeRecord({{0, Stage::CreditWait, 0, 80},
                                         {0, Stage::Send, 80, 85},
                                         {0, Stage::QueueWait, 85, 95},
                                         {0, Stage::Forward, 95, 100}},
                                        100);
    const TimingSummary summary = TimingSummary::compute(record);
    QVERIFY(summary.hasBottleneck);
    QCOMPARE(summary.bottleneck, Stage::Send); // ties go to the earlier stage
    QVERIFY(qFuzzyCompare(summary.sequentialSeconds, 0.010));
    QCOMPARE(summary.stats(Stage::CreditWait)->busyFraction, 0.8);
    QVERIFY(qFuzzyCompare(summary.agentBusyFraction, 0.05)); // forward only, queue wait excluded
}

void TestTimingSummary::verdict_data()
{
    QTest::addColumn<std::vector<Row>>("rows");
    QTest::addColumn<Stage>("bottleneck");
    QTest::addColumn<QString>("verdict");

    // Per batch, sequential on the agent: h2d 20, forward 30, backward 40, step 10 → 70% fwd+bwd.
    std::vector<Row> compute;
    for (int i = 0; i < 4; ++i) {
        const double t = i * 100.0;
        compute.push_back({i, Stage::Decode, t, t + 5});
        compute.push_back({i, Stage::HostToDevice, t, t + 20});
        compute.push_back({i, Stage::Forward, t + 20, t + 50});
        compute.push_back({i, Stage::Backward, t + 50, t + 90});
        compute.push_back({i, Stage::OptimizerStep, t + 90, t + 100});
    }
    QTest::newRow("compute-bound") << compute << Stage::Backward
                                   << QStringLiteral("compute-bound: forward+backward is 70% of the "
                                                     "agent's busy time; the agent works 100% of the wall time");

    std::vector<Row> upload;
    for (int i = 0; i < 4; ++i) {
        const double t = i * 100.0;
        upload.push_back({i, Stage::Encode, t, t + 10});
        upload.push_back({i, Stage::Network, t + 10, t + 72});
        upload.push_back({i, Stage::Forward, t + 72, t + 92});
    }
    QTest::newRow("upload-bound") << upload << Stage::Network
                                  << QStringLiteral("upload-bound: network is busy 62% of the wall time; "
                                                    "the agent works only 20% of it");

    std::vector<Row> preprocessing;
    for (int i = 0; i < 4; ++i) {
        const double t = i * 100.0;
        preprocessing.push_back({i, Stage::Decode, t, t + 90});
        preprocessing.push_back({i, Stage::Forward, t + 90, t + 100});
    }
    QTest::newRow("preprocessing-bound") << preprocessing << Stage::Decode
                                         << QStringLiteral("preprocessing-bound: the desktop's preprocessing is "
                                                           "busy 90% of its capacity, most of it in decode; the "
                                                           "agent works only 10% of the wall time");

    std::vector<Row> input;
    for (int i = 0; i < 4; ++i) {
        const double t = i * 100.0;
        input.push_back({i, Stage::Unpack, t, t + 50});
        input.push_back({i, Stage::Forward, t + 50, t + 60});
    }
    // Two decode workers, staggered: decode is busy (some worker at work) 80% of the time, but each
    // worker only 40%; the device, serial, is busy 60%. The device limits throughput.
    std::vector<Row> parallel;
    for (int i = 0; i < 4; ++i) {
        const double t = i * 100.0;
        parallel.push_back({2 * i, Stage::Decode, t, t + 40});
        parallel.push_back({2 * i + 1, Stage::Decode, t + 40, t + 80});
        parallel.push_back({2 * i, Stage::Forward, t + 20, t + 50});
        parallel.push_back({2 * i + 1, Stage::Forward, t + 50, t + 80});
        // The second worker's decode overlaps the first's next one: two at once.
        parallel.push_back({2 * i + 1, Stage::Decode, t + 70, t + 75});
    }
    QTest::newRow("parallel workers are not the bottleneck")
        << parallel << Stage::Forward
        << QStringLiteral("compute-bound: forward+backward is 100% of the agent's busy time; the agent works 60% of "
                          "the wall time");

    QTest::newRow("agent-input-bound") << input << Stage::Unpack
                                       << QStringLiteral("agent-input-bound: unpack is busy 50% of the wall time");
}

void TestTimingSummary::verdict()
{
    QFETCH(std::vector<Row>, rows);
    QFETCH(Stage, bottleneck);
    QFETCH(QString, verdict);

    const TimingSummary summary = TimingSummary::compute(makeRecord(rows, 400));
    QVERIFY(summary.hasBottleneck);
    QCOMPARE(summary.bottleneck, bottleneck);
    QCOMPARE(summary.verdict, verdict);
    QVERIFY(!summary.bottleneckResource.isEmpty());
}

void TestTimingSummary::peakConcurrencyAndUtilisation()
{
    QCOMPARE(TimingSummary::peakConcurrency({}), 0);
    QCOMPARE(TimingSummary::peakConcurrency({{0, 10}, {10, 20}}), 1); // back to back
    QCOMPARE(TimingSummary::peakConcurrency({{0, 10}, {5, 20}, {6, 7}, {30, 40}}), 3);

    // Four 30 ms spans staggered by 25 ms: always one at work, two at most.
    std::vector<Row> rows;
    for (int w = 0; w < 4; ++w) {
        rows.push_back({w, Stage::Decode, w * 25.0, w * 25.0 + 30});
    }
    const TimingSummary summary = TimingSummary::compute(makeRecord(rows, 105));
    const auto *decode = summary.stats(Stage::Decode);
    QCOMPARE(decode->busyMs, 105.0);
    QCOMPARE(decode->busyFraction, 1.0);
    QCOMPARE(decode->peakConcurrency, 2);
    QVERIFY(qFuzzyCompare(decode->utilisation, 120.0 / (105.0 * 2)));
}

void TestTimingSummary::emptyRecord()
{
    RunRecord record;
    const TimingSummary summary = TimingSummary::compute(record);
    QVERIFY(!summary.hasBottleneck);
    QVERIFY(summary.stages.empty());
    QCOMPARE(summary.wallSeconds, 0.0);
    QCOMPARE(summary.samplesPerSecond, 0.0);
    QCOMPARE(summary.overlapEfficiency, 0.0);
    QCOMPARE(summary.verdict, QStringLiteral("no stage timings were recorded"));
}

void TestTimingSummary::wallFallsBackToSpans()
{
    RunRecord record = makeRecord(threeStages(2, true), 0);
    record.wallStartNs = 0;
    record.wallEndNs = 0;
    record.clockUncertaintyNs = 250'000;
    const TimingSummary summary = TimingSummary::compute(record);
    QVERIFY(qFuzzyCompare(summary.wallSeconds, 0.040)); // first decode to last forward
    QCOMPARE(summary.uncertaintyMs, 0.25);
    QCOMPARE(record.originNs(), kOrigin);
}

QTEST_GUILESS_MAIN(TestTimingSummary)
#include "tst_timing_summary.moc"
