// formatDuration: the one duration formatter, in its clock and words styles.
#include "common/duration_format.h"

#include <QTest>

#include <limits>

using namespace tandem;

class TestDurationFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<int>("style");
        QTest::addColumn<QString>("expected");
        const int clock = int(DurationStyle::Clock);
        const int words = int(DurationStyle::Words);
        QTest::newRow("clock zero") << 0.0 << clock << QStringLiteral("0:00");
        QTest::newRow("clock under a minute") << 7.9 << clock << QStringLiteral("0:07");
        QTest::newRow("clock minutes") << 725.0 << clock << QStringLiteral("12:05");
        QTest::newRow("clock hours") << 3729.0 << clock << QStringLiteral("1:02:09");
        QTest::newRow("clock a day") << 90000.0 << clock << QStringLiteral("25:00:00");
        QTest::newRow("words small") << 4.834 << words << QStringLiteral("4.83 s");
        QTest::newRow("words rounds up to ten") << 9.999 << words << QStringLiteral("10.0 s");
        QTest::newRow("words tens") << 48.64 << words << QStringLiteral("48.6 s");
        QTest::newRow("words rounds up to a minute") << 59.97 << words << QStringLiteral("1 min 00 s");
        QTest::newRow("words minutes") << 725.4 << words << QStringLiteral("12 min 05 s");
        QTest::newRow("words hours") << 3729.0 << words << QStringLiteral("1 h 02 min");
        QTest::newRow("negative") << -1.0 << words << QStringLiteral("–");
        QTest::newRow("not finite") << std::numeric_limits<double>::infinity() << clock << QStringLiteral("–");
        QTest::newRow("not a number") << std::numeric_limits<double>::quiet_NaN() << words << QStringLiteral("–");
    }

    void formats()
    {
        QFETCH(double, seconds);
        QFETCH(int, style);
        QFETCH(QString, expected);
        QCOMPARE(formatDuration(seconds, DurationStyle(style)), expected);
    }
};

QTEST_GUILESS_MAIN(TestDurationFormat)
#include "tst_duration_format.moc"
