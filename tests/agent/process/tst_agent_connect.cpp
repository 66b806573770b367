// Connect mode against the real agent: the test listens like the app does, the agent dials in,
// authenticates, serves a session, and dials again after the session ends (or exits with --once).
#include "agent_process.h"
#include "message_socket.h"
#include "session_config.h"

#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using namespace tandem::protocol;

namespace {

SessionConfig tinyConfig()
{
    SessionConfig config;
    config.model = QStringLiteral("cnn");
    config.classNames = {QStringLiteral("a"), QStringLiteral("b")};
    config.channels = 1;
    config.height = config.width = 16;
    config.device = QStringLiteral("cpu");
    return config;
}

// The app's side of one dialled-in connection.
struct Accepted {
    std::unique_ptr<MessageSocket> socket;
    bool ready = false;
    bool closed = false;
    std::optional<SessionInfo> info;
};

} // namespace

class TestAgentConnect : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void dialsInAndRedialsAfterASession();
    void onceExitsAfterTheSession();
    void wrongSecretIsReportedAndRetried();

private:
    // Waits for the agent to dial in, completes the handshake with `secret`.
    std::unique_ptr<Accepted> accept(const QByteArray &secret, int timeoutMs = 20000);
    // Runs SessionConfig → SessionReady on an accepted connection.
    bool startSession(Accepted &connection);

    std::unique_ptr<QWebSocketServer> m_server;
    QUrl m_url;
};

void TestAgentConnect::init()
{
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("test app"), QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_url = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort()));
}

std::unique_ptr<Accepted> TestAgentConnect::accept(const QByteArray &secret, int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return m_server->hasPendingConnections(); }, timeoutMs))
        return nullptr;
    auto connection = std::make_unique<Accepted>();
    connection->socket = std::make_unique<MessageSocket>(Role::Client, secret);
    Accepted *raw = connection.get();
    QObject::connect(raw->socket.get(), &MessageSocket::ready, raw->socket.get(), [raw] { raw->ready = true; });
    QObject::connect(raw->socket.get(), &MessageSocket::closed, raw->socket.get(), [raw] { raw->closed = true; });
    QObject::connect(raw->socket.get(), &MessageSocket::messageReceived, raw->socket.get(),
                     [raw](const Message &message, qint64, qint64) {
                         if (const auto *ready = std::get_if<SessionReady>(&message)) {
                             QString error;
                             raw->info = SessionInfo::fromJson(ready->json, &error);
                         }
                     });
    connection->socket->attach(m_server->nextPendingConnection());
    static_cast<void>(QTest::qWaitFor([raw] { return raw->ready || raw->closed; }, 15000));
    return connection;
}

bool TestAgentConnect::startSession(Accepted &connection)
{
    connection.socket->send(SessionConfigMessage{tinyConfig().toJson()});
    return QTest::qWaitFor([&connection] { return connection.info.has_value() || connection.closed; }, 30000) &&
           connection.info.has_value();
}

void TestAgentConnect::dialsInAndRedialsAfterASession()
{
    AgentProcess agent;
    QVERIFY2(agent.startConnecting(m_url, {QStringLiteral("--threads"), QStringLiteral("1")}),
             qPrintable(agent.error()));

    std::unique_ptr<Accepted> first = accept(agent.secret());
    QVERIFY2(first && first->ready, qPrintable(agent.output()));
    QVERIFY(agent.waitForOutput(QStringLiteral("tandem-agent connected to %1").arg(m_url.toString())));
    QVERIFY(startSession(*first));
    QCOMPARE(first->info->model, QStringLiteral("cnn"));
    first->socket->close(QStringLiteral("first session done"));

    // The agent dials again (after about a second) and serves a new session.
    std::unique_ptr<Accepted> second = accept(agent.secret());
    QVERIFY2(second && second->ready, qPrintable(agent.output()));
    QVERIFY(startSession(*second));
    QVERIFY(agent.output().contains(QStringLiteral("reconnecting in 1 s")));
    second->socket->close(QStringLiteral("done"));
    QCOMPARE(agent.stop(), 0);
}

void TestAgentConnect::onceExitsAfterTheSession()
{
    AgentProcess agent;
    QVERIFY2(agent.startConnecting(m_url, {QStringLiteral("--once"), QStringLiteral("--threads"), QStringLiteral("1")}),
             qPrintable(agent.error()));
    std::unique_ptr<Accepted> connection = accept(agent.secret());
    QVERIFY2(connection && connection->ready, qPrintable(agent.output()));
    QVERIFY(startSession(*connection));
    connection->socket->close(QStringLiteral("done"));
    QCOMPARE(agent.waitForExit(), 0);
}

void TestAgentConnect::wrongSecretIsReportedAndRetried()
{
    AgentProcess agent;
    QVERIFY2(agent.startConnecting(m_url, {QStringLiteral("--threads"), QStringLiteral("1")}),
             qPrintable(agent.error()));
    // The app holds another secret: the agent must not get a session, and says why.
    std::unique_ptr<Accepted> connection = accept("not the agent's secret");
    QVERIFY(connection);
    QVERIFY(QTest::qWaitFor([&] { return connection->closed; }, 15000));
    QVERIFY(!connection->ready);
    QVERIFY2(agent.waitForOutput(QStringLiteral("could not connect to")), qPrintable(agent.output()));
    QVERIFY(agent.output().contains(QStringLiteral("reconnecting in")));
    // It keeps trying.
    std::unique_ptr<Accepted> again = accept(agent.secret());
    QVERIFY2(again && again->ready, qPrintable(agent.output()));
    QCOMPARE(agent.stop(), 0);
}

QTEST_GUILESS_MAIN(TestAgentConnect)
#include "tst_agent_connect.moc"
