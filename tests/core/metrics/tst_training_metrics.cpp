// TrainingMetrics: steps, epochs and stage timings as the dashboards draw them.
#include "metrics/training_metrics.h"

#include <QTest>

using namespace tandem;

class TestTrainingMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smoothingIsDebiased()
    {
        TrainingMetrics m;
        m.setSmoothing(0.9);
        m.addStep(StepPoint{0, 0, 2.0F, 0.1F, 100.F, 0});
        // TensorBoard's debiasing: the first smoothed value is the first value, not 0.2.
        QCOMPARE(m.smoothedLoss().yAt(0), 2.0);
        m.addStep(StepPoint{1, 0, 1.0F, 0.1F, 100.F, 0});
        const double expected = (0.9 * 0.1 * 2.0 + 0.1 * 1.0) / (1 - 0.81);
        QVERIFY(std::abs(m.smoothedLoss().yAt(1) - expected) < 1e-12);
        QCOMPARE(m.loss().xAt(1), 2.0); // steps are numbered from 1

        m.setSmoothing(0.0); // recomputed from the raw values
        QCOMPARE(m.smoothedLoss().yAt(1), 1.0);
    }

    void epochsAndBestAccuracy()
    {
        TrainingMetrics m;
        m.addEpoch(EpochPoint{0, protocol::Split::Train, 1.0F, 0.5F, 100});
        m.addEpoch(EpochPoint{0, protocol::Split::Val, 0.9F, 0.6F, 20});
        m.addEpoch(EpochPoint{1, protocol::Split::Val, 0.8F, 0.55F, 20});
        QCOMPARE(m.epochsDone(), 1);
        QCOMPARE(m.valAccuracy().size(), std::size_t(2));
        QCOMPARE(m.valAccuracy().xAt(1), 2.0);
        QVERIFY(std::abs(m.valAccuracy().yAt(0) - 60.0) < 1e-4); // percent
        QVERIFY(std::abs(m.bestValAccuracy() - 0.6) < 1e-6);
    }

    void stageProfileAveragesPerColumn()
    {
        TrainingMetrics m;
        for (int i = 0; i < 100; ++i) {
            BatchRecord r;
            r.spans.push_back({protocol::Stage::Decode, 0, (i + 1) * 1'000'000LL});
            r.spans.push_back({protocol::Stage::Forward, 0, 2'000'000});
            r.spans.push_back({protocol::Stage::Forward, 5'000'000, 6'000'000}); // a stage may repeat
            m.addBatch(r);
        }
        const auto all = m.stageProfile(1, 100, 1000);
        QCOMPARE(all.x.size(), std::size_t(100));
        QCOMPARE(all.ms[9][std::size_t(protocol::Stage::Decode)], 10.0);
        QCOMPARE(all.ms[0][std::size_t(protocol::Stage::Forward)], 3.0);
        QVERIFY(all.present[std::size_t(protocol::Stage::Decode)]);
        QVERIFY(!all.present[std::size_t(protocol::Stage::Read)]);

        const auto coarse = m.stageProfile(1, 100, 10);
        QCOMPARE(coarse.x.size(), std::size_t(10));
        QCOMPARE(coarse.x[0], 5.5);                                        // batches 1..10
        QCOMPARE(coarse.ms[0][std::size_t(protocol::Stage::Decode)], 5.5); // their mean
    }

    void loadsARecord()
    {
        RunRecord record;
        for (int i = 0; i < 10; ++i)
            record.steps.push_back(StepPoint{quint64(i), 0, 1.0F, 0.1F, 10.F, 0});
        record.epochs.push_back(EpochPoint{0, protocol::Split::Val, 0.5F, 0.9F, 10});
        record.batches.resize(3);
        TrainingMetrics m;
        m.load(record);
        QCOMPARE(m.steps(), 10);
        QCOMPARE(m.batches(), 3);
        QCOMPARE(m.valAccuracy().size(), std::size_t(1));
        m.clear();
        QCOMPARE(m.steps(), 0);
    }
};

QTEST_MAIN(TestTrainingMetrics)
#include "tst_training_metrics.moc"
