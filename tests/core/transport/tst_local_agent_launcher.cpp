// The embedded default: the real tandem-agent started on 127.0.0.1 with a fresh secret.
#include "message_socket.h"
#include "transport/local_agent_launcher.h"

#include <QSignalSpy>
#include <QTest>

using namespace tandem;

class TestLocalAgentLauncher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsAnAgentThatAcceptsItsSecret();
    void aMissingProgramIsReported();
    void stopEndsTheProcess();
};

void TestLocalAgentLauncher::startsAnAgentThatAcceptsItsSecret()
{
    LocalAgentLauncher launcher;
    QSignalSpy started(&launcher, &LocalAgentLauncher::started);
    QSignalSpy failed(&launcher, &LocalAgentLauncher::failed);
    launcher.start(QStringLiteral(TANDEM_AGENT_PATH));
    QVERIFY(started.wait(30'000));
    QCOMPARE(failed.count(), 0);
    const QUrl url = started.first().at(0).toUrl();
    const QByteArray secret = started.first().at(1).toByteArray();
    QCOMPARE(url.scheme(), QStringLiteral("ws"));
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(url.port() > 0);
    QVERIFY(secret.size() >= 40); // 32 random bytes, base64url
    QVERIFY(!url.toString().contains(QString::fromLatin1(secret)));

    // Two launches never share a secret.
    LocalAgentLauncher other;
    QSignalSpy otherStarted(&other, &LocalAgentLauncher::started);
    other.start(QStringLiteral(TANDEM_AGENT_PATH));
    QVERIFY(otherStarted.wait(30'000));
    QVERIFY(otherStarted.first().at(1).toByteArray() != secret);

    // The secret it generated is the one the agent accepts.
    protocol::MessageSocket socket(protocol::Role::Client, secret);
    QSignalSpy ready(&socket, &protocol::MessageSocket::ready);
    socket.open(url);
    QVERIFY(ready.wait(10'000));
}

void TestLocalAgentLauncher::aMissingProgramIsReported()
{
    qputenv("TANDEM_AGENT", "/nonexistent/tandem-agent");
    LocalAgentLauncher launcher;
    QSignalSpy failed(&launcher, &LocalAgentLauncher::failed);
    // An explicit program that does not exist falls back to the search, which finds nothing
    // usable here either, or the process fails to start: both must say so.
    launcher.start(QStringLiteral("/nonexistent/tandem-agent"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10'000);
    QVERIFY2(failed.first().at(0).toString().contains(QStringLiteral("tandem-agent")),
             qPrintable(failed.first().at(0).toString()));
    qunsetenv("TANDEM_AGENT");
}

void TestLocalAgentLauncher::stopEndsTheProcess()
{
    LocalAgentLauncher launcher;
    QSignalSpy started(&launcher, &LocalAgentLauncher::started);
    launcher.start(QStringLiteral(TANDEM_AGENT_PATH));
    QVERIFY(started.wait(30'000));
    QVERIFY(launcher.isRunning());
    launcher.stop();
    QVERIFY(!launcher.isRunning());
    // Nothing listens there any more.
    protocol::MessageSocket socket(protocol::Role::Client, launcher.secret());
    QSignalSpy closed(&socket, &protocol::MessageSocket::closed);
    socket.open(launcher.url());
    QVERIFY(closed.wait(10'000));
    QCOMPARE(closed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::Refused);
}

QTEST_GUILESS_MAIN(TestLocalAgentLauncher)
#include "tst_local_agent_launcher.moc"
