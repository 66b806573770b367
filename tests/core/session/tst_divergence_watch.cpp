// The divergence watch: NaN, infinity and a tenfold rise over the first loss are named once.
#include "session/divergence_watch.h"

#include <QTest>

#include <limits>

using namespace tandem;

class TestDivergenceWatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void diverges_data()
    {
        QTest::addColumn<QList<double>>("losses");
        QTest::addColumn<int>("at");       // 1-based step that reports; 0: none does
        QTest::addColumn<QString>("word"); // what the message must say
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("learning") << QList<double>{2.3, 1.9, 1.2, 0.8, 0.9, 0.4} << 0 << QString();
        QTest::newRow("a spike below tenfold") << QList<double>{2.3, 1.0, 9.0, 1.0} << 0 << QString();
        QTest::newRow("tenfold") << QList<double>{2.3, 5.0, 24.0, 1e4} << 3 << QStringLiteral("more than 10 times");
        QTest::newRow("the 21,558 of issue 13") << QList<double>{2.31, 3.4, 21558.0} << 3 << QStringLiteral("21558");
        QTest::newRow("NaN") << QList<double>{2.3, nan, nan} << 2 << QStringLiteral("NaN at step 2");
        QTest::newRow("infinity") << QList<double>{2.3, 2.0, inf} << 3 << QStringLiteral("infinite at step 3");
        QTest::newRow("NaN first") << QList<double>{nan} << 1 << QStringLiteral("NaN at step 1");
    }

    void diverges()
    {
        QFETCH(QList<double>, losses);
        QFETCH(int, at);
        QFETCH(QString, word);
        DivergenceWatch watch;
        int reportedAt = 0;
        QString message;
        for (int i = 0; i < losses.size(); ++i) {
            const QString said = watch.add(losses[i], i + 1);
            if (!said.isEmpty()) {
                QVERIFY2(reportedAt == 0, "said twice"); // once, not on every later step
                reportedAt = i + 1;
                message = said;
            }
        }
        QCOMPARE(reportedAt, at);
        if (at > 0)
            QVERIFY2(message.contains(word), qPrintable(message));
    }

    void acknowledgedItWatchesFromTheNewLevel()
    {
        DivergenceWatch watch;
        QVERIFY(watch.add(2.0, 1).isEmpty());
        QVERIFY(!watch.add(30.0, 2).isEmpty());
        QVERIFY(watch.hasReported());
        watch.acknowledge();
        QVERIFY(watch.add(40.0, 3).isEmpty());   // not ten times 30
        QVERIFY(!watch.add(400.0, 4).isEmpty()); // ten times 30 again
    }
};

QTEST_APPLESS_MAIN(TestDivergenceWatch)
#include "tst_divergence_watch.moc"
