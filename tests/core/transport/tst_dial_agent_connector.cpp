// Dialling a real tandem-agent on 127.0.0.1: an authenticated, configured socket, or a specific refusal.
#include "agent_process.h"
#include "connection_problem.h"
#include "small_session.h"
#include "transport/dial_agent_connector.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace tandem;

class TestDialAgentConnector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handsOverAConfiguredSocket();
    void aWrongSecretIsRefusedAsSuch();
    void nobodyListeningIsReportedWithTheUrl();
};

void TestDialAgentConnector::handsOverAConfiguredSocket()
{
    AgentProcess agent;
    QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
    DialAgentConnector connector(agent.url(), agent.secret());
    QSignalSpy phases(&connector, &AgentConnector::phaseChanged);
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QVERIFY2(connected.wait(30'000), failed.isEmpty() ? "no answer" : qPrintable(failed.first().at(1).toString()));
    QCOMPARE(failed.count(), 0);

    const std::optional<AgentConnection> connection = connector.takeConnection();
    const QString problem = testsupport::connectionProblem(connection);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(connection->socket->parent() == nullptr);
    QVERIFY(connection->info.device.startsWith(QStringLiteral("cpu")));
    QVERIFY(connection->sessionReadyJson.contains("credits"));
    QVERIFY(!connector.takeConnection().has_value()); // handed over once
    QCOMPARE(phases.first().at(0).value<AgentConnector::Phase>(), AgentConnector::Phase::Connecting);
    QCOMPARE(phases.last().at(0).value<AgentConnector::Phase>(), AgentConnector::Phase::Configuring);
    connection->socket->close(QStringLiteral("test done"));
}

void TestDialAgentConnector::aWrongSecretIsRefusedAsSuch()
{
    AgentProcess agent(QByteArrayLiteral("the-right-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
    DialAgentConnector connector(agent.url(), QByteArrayLiteral("not-the-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QSignalSpy connected(&connector, &AgentConnector::connected);
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QVERIFY(failed.wait(30'000));
    QCOMPARE(connected.count(), 0);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::WrongSecret);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("refused the secret")), qPrintable(message));
    QVERIFY(!connector.takeConnection().has_value());
    QVERIFY(agent.isRunning()); // the agent keeps serving others
}

void TestDialAgentConnector::nobodyListeningIsReportedWithTheUrl()
{
    // A port that was free a moment ago: bound, then released.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1").arg(port));

    DialAgentConnector connector(url, QByteArrayLiteral("some-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QSignalSpy failed(&connector, &AgentConnector::failed);
    connector.start(testsupport::smallSessionConfigJson());
    QVERIFY(failed.wait(30'000));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::Refused);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Could not reach the agent")), qPrintable(message));
    QVERIFY2(message.contains(QString::number(port)), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestDialAgentConnector)
#include "tst_dial_agent_connector.moc"
