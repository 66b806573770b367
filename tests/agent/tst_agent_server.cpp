// Tests of colab_agent/agent_server in this process: where it can listen and the message when it
// cannot, the URL it reports, one training client at a time, and --once finishing after the session
// that held the agent, not after a client that was turned away.
#include "agent_server.h"
#include "agent_test_client.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace tandem::protocol;
using tandem::agent::AgentServer;
using tandem::agent::AgentSession;

namespace {

const QByteArray kSecret = QByteArrayLiteral("a secret for tst_agent_server");

AgentSession::Settings settings()
{
    AgentSession::Settings s;
    s.secret = kSecret;
    s.device = QStringLiteral("cpu");
    s.threads = 1;
    return s;
}

} // namespace

class TestAgentServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listensOnAnyFreePort_data();
    void listensOnAnyFreePort();
    void refusesWhereItCannotListen_data();
    void refusesWhereItCannotListen();
    void refusesAPortInUse();
    void onceFinishesAfterTheActiveSession();
    void destroyedWithClientsConnected();
};

void TestAgentServer::listensOnAnyFreePort_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("IPv4 loopback") << "127.0.0.1";
    QTest::newRow("localhost") << "localhost";
}

void TestAgentServer::listensOnAnyFreePort()
{
    QFETCH(QString, host);
    AgentServer server(settings(), false);
    QCOMPARE(server.listen(host, 0), QString());
    const QUrl url(server.url());
    QCOMPARE(url.scheme(), QStringLiteral("ws"));
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(url.port() > 0); // the port actually bound, not 0
    AgentTestClient client(kSecret);
    QVERIFY2(client.connectTo(url), qPrintable(client.closeMessage()));
}

void TestAgentServer::refusesWhereItCannotListen_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("error");
    QTest::newRow("a name") << "example.com"
                            << "\"example.com\" is not an IP address to listen on";
    QTest::newRow("out of range") << "999.0.0.1"
                                  << "\"999.0.0.1\" is not an IP address to listen on";
    QTest::newRow("empty") << ""
                           << "\"\" is not an IP address to listen on";
}

void TestAgentServer::refusesWhereItCannotListen()
{
    QFETCH(QString, host);
    QFETCH(QString, error);
    AgentServer server(settings(), false);
    QCOMPARE(server.listen(host, 0), error);
}

void TestAgentServer::refusesAPortInUse()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    AgentServer server(settings(), false);
    const QString error = server.listen(QStringLiteral("127.0.0.1"), taken.serverPort());
    QVERIFY2(error.startsWith(QStringLiteral("cannot listen on 127.0.0.1:%1: ").arg(taken.serverPort())),
             qPrintable(error));
}

void TestAgentServer::onceFinishesAfterTheActiveSession()
{
    AgentServer server(settings(), /*once=*/true);
    QCOMPARE(server.listen(QStringLiteral("127.0.0.1"), 0), QString());
    QSignalSpy finished(&server, &AgentServer::finished);

    AgentTestClient first(kSecret);
    QVERIFY2(first.connectTo(QUrl(server.url())), qPrintable(first.closeMessage()));
    AgentTestClient second(kSecret);
    static_cast<void>(second.connectTo(QUrl(server.url()))); // authenticates, then is told Busy
    QVERIFY(second.waitClosed());
    QCOMPARE(second.closeError(), ConnectionError::PeerError);
    QVERIFY2(second.closeMessage().contains(QStringLiteral("agent is training for")),
             qPrintable(second.closeMessage()));
    QTest::qWait(100);
    QCOMPARE(finished.size(), 0); // the client turned away was not the session

    first.close();
    QTRY_COMPARE(finished.size(), 1);
}

void TestAgentServer::destroyedWithClientsConnected()
{
    // As at the agent's exit with clients still connected: one authenticated, one not yet.
    auto server = std::make_unique<AgentServer>(settings(), false);
    QCOMPARE(server->listen(QStringLiteral("127.0.0.1"), 0), QString());
    AgentTestClient authenticated(kSecret);
    QVERIFY2(authenticated.connectTo(QUrl(server->url())), qPrintable(authenticated.closeMessage()));
    QWebSocket raw;
    raw.open(QUrl(server->url()));
    QTRY_COMPARE(raw.state(), QAbstractSocket::ConnectedState);
    server.reset();
    QVERIFY(authenticated.waitClosed());
    QTRY_COMPARE(raw.state(), QAbstractSocket::UnconnectedState);
}

QTEST_GUILESS_MAIN(TestAgentServer)
#include "tst_agent_server.moc"
