// Starting the real tandem-agent here and connecting to it; or saying why it could not start.
// (A wrong secret cannot happen here: the connector makes the secret and hands it to its agent.)
#include "connection_problem.h"
#include "small_session.h"
#include "transport/local_agent_connector.h"

#include <QSignalSpy>
#include <QTest>

using namespace tandem;

class TestLocalAgentConnector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsTheAgentAndHandsOverAConfiguredSocket();
    void anAgentThatExitsAtOnceIsReported();
};

void TestLocalAgentConnector::startsTheAgentAndHandsOverAConfiguredSocket()
{
    LocalAgentConnector connector(QStringLiteral(TANDEM_AGENT_PATH),
                                  {QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--once")});
    QSignalSpy phases(&connector, &AgentConnector::phaseChanged);
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QVERIFY2(connected.wait(30'000), failed.isEmpty() ? "no answer" : qPrintable(failed.first().at(1).toString()));
    const std::optional<AgentConnection> connection = connector.takeConnection();
    const QString problem = testsupport::connectionProblem(connection);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(connection->socket->peerAddress().startsWith(QStringLiteral("127.0.0.1:")));
    QCOMPARE(phases.first().at(0).value<AgentConnector::Phase>(), AgentConnector::Phase::StartingAgent);
    QCOMPARE(phases.last().at(0).value<AgentConnector::Phase>(), AgentConnector::Phase::Configuring);
    connection->socket->close(QStringLiteral("test done"));
}

void TestLocalAgentConnector::anAgentThatExitsAtOnceIsReported()
{
    // A program that exists and starts, but exits before it listens.
    LocalAgentConnector connector(QStringLiteral("/bin/false"), {});
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QVERIFY(failed.wait(15'000));
    QCOMPARE(connected.count(), 0);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::Refused);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.startsWith(
                 QStringLiteral("The local agent could not be started: the local agent exited (exit code 1)")),
             qPrintable(message));
}

QTEST_GUILESS_MAIN(TestLocalAgentConnector)
#include "tst_local_agent_connector.moc"
