// Tests of colab_agent/signal_watcher: SIGINT and SIGTERM sent to this process arrive as the
// received() signal on the event loop instead of ending it, and the default action is back once
// the watcher is gone.
#include "signal_watcher.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using tandem::agent::SignalWatcher;

class TestSignalWatcher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deliversOnTheEventLoop_data();
    void deliversOnTheEventLoop();
    void restoresTheDefaultAction();
};

void TestSignalWatcher::deliversOnTheEventLoop_data()
{
    QTest::addColumn<int>("number");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
}

void TestSignalWatcher::deliversOnTheEventLoop()
{
    QFETCH(int, number);
    SignalWatcher watcher;
    QVERIFY(watcher.isActive());
    QSignalSpy received(&watcher, &SignalWatcher::received);
    QCOMPARE(::raise(number), 0); // without the watcher, this would end the test
    QCOMPARE(received.size(), 0); // not from inside the handler: from the event loop
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.first().first().toInt(), number);
}

void TestSignalWatcher::restoresTheDefaultAction()
{
    {
        SignalWatcher watcher;
        QVERIFY(watcher.isActive());
    }
    struct sigaction action {};
    QCOMPARE(::sigaction(SIGTERM, nullptr, &action), 0);
    QVERIFY(action.sa_handler == SIG_DFL);
    QCOMPARE(::sigaction(SIGINT, nullptr, &action), 0);
    QVERIFY(action.sa_handler == SIG_DFL);
}

QTEST_GUILESS_MAIN(TestSignalWatcher)
#include "tst_signal_watcher.moc"
