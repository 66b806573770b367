// A real tandem-agent dials in (its --connect mode): an authenticated, configured socket, or a
// specific refusal.
#include "agent_process.h"
#include "connection_problem.h"
#include "small_session.h"
#include "transport/listen_agent_connector.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace tandem;

namespace {
const QStringList kAgentArguments{QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--once")};
} // namespace

class TestListenAgentConnector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handsOverTheAgentThatDialledIn();
    void anAgentWithAnotherSecretIsRefusedAsSuch();
    void aTakenPortIsReported();
};

void TestListenAgentConnector::handsOverTheAgentThatDialledIn()
{
    const QByteArray secret = QByteArrayLiteral("listen-secret-4Rg7Kq2Zx9Lw3Vb8");
    ListenAgentConnector connector(QStringLiteral("127.0.0.1"), 0, secret);
    QSignalSpy listening(&connector, &AgentConnector::listening);
    QSignalSpy phases(&connector, &AgentConnector::phaseChanged);
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QCOMPARE(listening.count(), 1); // at once: the port is bound before start() returns
    const QUrl url = listening.first().at(0).toUrl();
    QCOMPARE(url, connector.listenUrl());
    QVERIFY(url.port() > 0);
    QCOMPARE(phases.first().at(0).value<AgentConnector::Phase>(), AgentConnector::Phase::WaitingForAgent);
    QVERIFY(phases.first().at(1).toString().contains(url.toString()));

    AgentProcess agent(secret);
    QVERIFY2(agent.startConnecting(url, kAgentArguments), qPrintable(agent.error()));
    QVERIFY2(connected.wait(30'000), failed.isEmpty() ? "no answer" : qPrintable(failed.first().at(1).toString()));
    const std::optional<AgentConnection> connection = connector.takeConnection();
    const QString problem = testsupport::connectionProblem(connection);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    connection->socket->close(QStringLiteral("test done"));
    QCOMPARE(agent.waitForExit(15'000), 0); // --once: one session, ended cleanly
}

void TestListenAgentConnector::anAgentWithAnotherSecretIsRefusedAsSuch()
{
    ListenAgentConnector connector(QStringLiteral("127.0.0.1"), 0,
                                   QByteArrayLiteral("the-right-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QSignalSpy listening(&connector, &AgentConnector::listening);
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QCOMPARE(listening.count(), 1);

    AgentProcess agent(QByteArrayLiteral("another-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QVERIFY2(agent.startConnecting(listening.first().at(0).toUrl(), kAgentArguments), qPrintable(agent.error()));
    QVERIFY(failed.wait(30'000));
    QCOMPARE(connected.count(), 0);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::WrongSecret);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("refused the secret")), qPrintable(message));
}

void TestListenAgentConnector::aTakenPortIsReported()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const quint16 port = squatter.serverPort();

    ListenAgentConnector connector(QStringLiteral("127.0.0.1"), port,
                                   QByteArrayLiteral("secret-4Rg7Kq2Zx9Lw3Vb8-squatted-port"));
    QSignalSpy listening(&connector, &AgentConnector::listening);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(listening.count(), 0);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::Refused);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Cannot listen on 127.0.0.1:%1").arg(port)), qPrintable(message));
    QVERIFY(connector.listenUrl().isEmpty());
}

QTEST_GUILESS_MAIN(TestListenAgentConnector)
#include "tst_listen_agent_connector.moc"
