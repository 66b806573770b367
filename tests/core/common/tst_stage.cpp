// The stage table: one row per stage in id order, unique keys, and one distinct colour per stage.
#include "common/stage.h"

#include <QTest>

#include <set>
#include <string>

using namespace tandem::protocol;

class TestStage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tableIsInIdOrder()
    {
        for (int i = 0; i < kStageCount; ++i) {
            QCOMPARE(int(kStages[size_t(i)].stage), i);
            QVERIFY(stageFromInt(i).has_value());
        }
        QVERIFY(!stageFromInt(-1));
        QVERIFY(!stageFromInt(kStageCount));
        QCOMPARE(stageInfo(Stage::HostToDevice).key, std::string_view("host_to_device"));
    }

    void keysAndColoursAreUnique()
    {
        std::set<std::string_view> keys;
        std::set<quint32> colours;
        for (const StageInfo &info : kStages) {
            QVERIFY2(keys.insert(info.key).second, info.key.data());
            QVERIFY2(colours.insert(info.rgb).second, info.key.data());
            QVERIFY(info.rgb <= 0xffffffU); // plain 0xRRGGBB, no alpha
        }
    }

    void neighbouringWorkStagesDifferInColour()
    {
        // A stacked chart puts neighbouring stages side by side: they must not look alike.
        for (int i = 1; i < kStageCount; ++i) {
            const quint32 a = kStages[size_t(i - 1)].rgb;
            const quint32 b = kStages[size_t(i)].rgb;
            const int distance = std::abs(int(a >> 16) - int(b >> 16)) +
                                 std::abs(int((a >> 8) & 0xff) - int((b >> 8) & 0xff)) +
                                 std::abs(int(a & 0xff) - int(b & 0xff));
            QVERIFY2(distance >= 60, kStages[size_t(i)].key.data());
        }
    }
};

QTEST_GUILESS_MAIN(TestStage)
#include "tst_stage.moc"
