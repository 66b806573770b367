// The dashboards redraw on a timer, never per message, and draw a million points decimated.
#include "dashboard_view.h"
#include "live_line_chart.h"
#include "stage_latency_chart.h"
#include "theme.h"
#include "uitest_support.h"

#include <QChart>
#include <QLineSeries>
#include <QStandardPaths>
#include <QTest>
#include <QValueAxis>

using namespace tandem;

namespace {
BatchRecord batch(quint64 seq, qint64 startNs)
{
    using protocol::Stage;
    BatchRecord r;
    r.seq = seq;
    r.samples = 32;
    qint64 t = startNs;
    for (Stage stage : {Stage::Read, Stage::Decode, Stage::Transform, Stage::Encode, Stage::Send, Stage::Network,
                        Stage::Receive, Stage::Forward, Stage::Backward, Stage::OptimizerStep}) {
        const qint64 length = 1'000'000 * (1 + qint64(stage) % 3);
        r.spans.push_back({stage, t, t + length});
        t += length;
    }
    return r;
}
} // namespace

class TestDashboardView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::startUi(); }

    void redrawsOnATimerNotPerMessage()
    {
        TrainingSession session;
        DashboardView view;
        view.resize(1200, 800);
        view.attach(&session);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTest::qWait(DashboardView::kRedrawMs * 2);
        const int before = view.redrawCount();
        for (int i = 0; i < 2000; ++i) // a burst, as a fast agent sends them
            Q_EMIT session.stepMetrics(StepPoint{quint64(i), 0, 2.3F - i * 0.001F, 0.05F, 900.F, 0});
        QCOMPARE(view.redrawCount(), before); // nothing drawn inside the burst
        QTRY_VERIFY(view.redrawCount() > before);
        QVERIFY(view.redrawCount() - before <= 2);
        QLineSeries *raw = view.lossChart()->series(0);
        QVERIFY(raw->count() > 0);
        QCOMPARE(view.metrics().steps(), 2000);
    }

    void aMillionPointsAreDecimatedToThePlotWidth()
    {
        DashboardView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int i = 0; i < 1'000'000; ++i)
            view.metrics().addStep(StepPoint{quint64(i), 0,
                                             float(2.0 * std::exp(-i / 2e5) + 0.1 * ((qint64(i) * 7919) % 13) / 13.0),
                                             0.05F, 1000.F, 0});
        view.metrics().addStep(StepPoint{1'000'000, 0, 50.F, 0.05F, 1000.F, 0}); // one spike
        QElapsedTimer clock;
        clock.start();
        view.redrawNow();
        qInfo("redraw with 1,000,001 loss points: %lld ms", clock.elapsed());
        LiveLineChart *chart = view.lossChart();
        const int width = int(chart->chart()->plotArea().width());
        QVERIFY(width > 100);
        // About two points per pixel column (the plot's width moves a little as the axis labels change).
        QVERIFY2(chart->series(0)->count() <= int(2.1 * width) + 4,
                 qPrintable(QString::number(chart->series(0)->count())));
        QVERIFY(chart->series(0)->count() > width / 2);
        // The spike survives decimation and sets the axis.
        QVERIFY(chart->yAxis()->max() >= 50.0);
        // Following, the axis ends on the next fifth of a tick step after the last point
        // (200,000 a tick here): it moves seldom, and the last point stays in view.
        QCOMPARE(chart->xAxis()->min(), 0.0);
        QCOMPARE(chart->xAxis()->max(), 1'040'000.0);
    }

    void zoomRedecimatesAndResetFollows()
    {
        DashboardView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int i = 0; i < 100'000; ++i)
            view.metrics().addStep(StepPoint{quint64(i), 0, float(i % 100), 0.05F, 1000.F, 0});
        view.redrawNow();
        LiveLineChart *chart = view.lossChart();
        QVERIFY(chart->isFollowing());
        chart->xAxis()->setRange(1000, 1100); // what a rubber band does
        QVERIFY(!chart->isFollowing());
        QCOMPARE(chart->series(0)->count(), 103); // 101 points in range and one neighbour each side
        chart->resetZoom();
        QVERIFY(chart->isFollowing());
        QCOMPARE(chart->xAxis()->max(), 100'000.0);
    }

    void stagesAreStackedPerBatch()
    {
        TrainingSession session;
        DashboardView view;
        view.resize(1200, 800);
        view.attach(&session);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int i = 0; i < 50; ++i)
            Q_EMIT session.batchTimed(batch(quint64(i), i * 100'000'000LL));
        view.redrawNow();
        StageLatencyChart *chart = view.stageChart();
        QLineSeries *read = chart->upperSeries(protocol::Stage::Read);
        QLineSeries *top = chart->upperSeries(protocol::Stage::MetricsReturn);
        QVERIFY(read && top);
        QCOMPARE(read->count(), 50);
        QCOMPARE(read->at(0).y(), 1.0); // read: 1 ms
        QCOMPARE(top->at(0).y(), 19.0); // every stage's milliseconds, stacked
        QVERIFY(chart->upperSeries(protocol::Stage::CreditWait) == nullptr);
    }
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboard_view.moc"
