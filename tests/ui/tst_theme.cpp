// Theme: the live dashboard colours each stage as the exported report does (one stage palette).
#include "report/report_charts.h"
#include "theme.h"

#include <QTest>

using namespace tandem;

class TestTheme : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stageColoursMatchTheReport()
    {
        for (const protocol::StageInfo &info : protocol::kStages) {
            const QColor live = Theme::stageColor(info.stage);
            QVERIFY(live.isValid());
            QCOMPARE(live.alpha(), 255);
            QCOMPARE(live.name(), ReportCharts::stageColor(info.stage));
        }
        QVERIFY(Theme::stageColor(protocol::Stage::Forward) != Theme::stageColor(protocol::Stage::Backward));
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
