// The agent's front door, against the real tandem-agent process: authentication, protocol
// version, malformed input (after which the same process keeps serving), and Busy.
#include "agent_process.h"
#include "agent_test_client.h"
#include "raw_client.h"
#include "auth.h"
#include "fashion_mnist.h"
#include "wire_codec.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <memory>

using namespace tandem::protocol;

namespace {

SessionConfig smallConfig()
{
    SessionConfig config = FashionMnist::sessionConfig(8);
    return config;
}

} // namespace

class TestAgentAuth : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void wrongSecretIsRefused();
    void rightSecretGetsReady();
    void otherProtocolVersionIsIncompatible();
    void malformedInputClosesOnlyThatConnection_data();
    void malformedInputClosesOnlyThatConnection();
    void secondClientIsBusy();

private:
    // The same process must still serve a whole new session.
    void checkServesNewSession();

    AgentProcess m_agent;
};

void TestAgentAuth::initTestCase()
{
    QVERIFY2(m_agent.start({QStringLiteral("--threads"), QStringLiteral("1")}), qPrintable(m_agent.error()));
}

void TestAgentAuth::cleanupTestCase()
{
    QCOMPARE(m_agent.stop(), 0); // SIGTERM is a clean exit
}

void TestAgentAuth::wrongSecretIsRefused()
{
    AgentTestClient client(auth::generateSecret());
    QVERIFY(!client.connectTo(m_agent.url()));
    QVERIFY(client.isClosed());
    QCOMPARE(client.closeError(), ConnectionError::WrongSecret);
    QVERIFY2(client.closeMessage().contains(QStringLiteral("wrong secret")), qPrintable(client.closeMessage()));
}

void TestAgentAuth::rightSecretGetsReady()
{
    AgentTestClient client(m_agent.secret());
    QSignalSpy ready(&client.socket(), &MessageSocket::ready);
    QVERIFY2(client.connectTo(m_agent.url()), qPrintable(client.closeMessage()));
    QCOMPARE(ready.count(), 1);
    QVERIFY(client.socket().peerSoftware().startsWith(QStringLiteral("tandem-agent")));
    client.close();
}

void TestAgentAuth::otherProtocolVersionIsIncompatible()
{
    RawClient raw(m_agent.url());
    QVERIFY(raw.waitConnected());
    Hello hello;
    hello.role = Role::Client;
    hello.nonce = auth::makeNonce();
    hello.minVersion = hello.maxVersion = 99;
    QByteArray bytes = encode(hello);
    qToLittleEndian(quint16(99), bytes.data() + 4); // the header's version field
    raw.sendBinary(bytes);
    const std::optional<Error> error = raw.nextOf<Error>();
    QVERIFY(error);
    QCOMPARE(error->code, ErrorCode::IncompatibleVersion);
    QVERIFY2(error->message.contains(QStringLiteral("99")), qPrintable(error->message));
    QVERIFY(raw.waitDisconnected());
}

void TestAgentAuth::malformedInputClosesOnlyThatConnection_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("afterAuth");

    QTest::newRow("garbage") << QByteArray("this is not a tandem message at all, just bytes") << false;
    Hello hello;
    hello.role = Role::Client;
    hello.nonce = auth::makeNonce();
    QTest::newRow("truncated hello") << encode(hello).chopped(7) << false;
    QTest::newRow("header only") << encode(hello).left(kHeaderBytes - 3) << false;

    // After authentication: a Batch whose pixel bytes do not match count × H × W × C.
    Batch batch;
    batch.channels = 1;
    batch.height = batch.width = FashionMnist::kSide;
    batch.labels = {1, 2};
    batch.contentIds = {1, 2};
    batch.pixels = QByteArray(FashionMnist::kSide * FashionMnist::kSide + 5, '\x7f');
    QTest::newRow("batch with bad lengths") << encode(batch) << true;
}

void TestAgentAuth::malformedInputClosesOnlyThatConnection()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, afterAuth);
    {
        RawClient raw(m_agent.url());
        QVERIFY(raw.waitConnected());
        if (afterAuth)
            QVERIFY(raw.authenticate(m_agent.secret()));
        raw.sendBinary(bytes);
        const std::optional<Error> error = raw.nextOf<Error>();
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::MalformedMessage);
        QVERIFY(!error->message.isEmpty());
        QVERIFY(raw.waitDisconnected());
    }
    QVERIFY2(m_agent.isRunning(), qPrintable(m_agent.output()));
    checkServesNewSession();
}

void TestAgentAuth::checkServesNewSession()
{
    // The agent may not have seen the previous client's Goodbye yet: a Busy answer is retried.
    std::unique_ptr<AgentTestClient> client;
    std::optional<SessionInfo> info;
    for (int attempt = 0; attempt < 5 && !info; ++attempt) {
        client = std::make_unique<AgentTestClient>(m_agent.secret());
        if (client->connectTo(m_agent.url()))
            info = client->startSession(smallConfig());
        if (!info) {
            QVERIFY2(client->closeMessage().contains(QStringLiteral("agent is training for")),
                     qPrintable(client->closeMessage()));
            QTest::qWait(200);
        }
    }
    QVERIFY2(info, qPrintable(client->closeMessage()));
    QCOMPARE(info->model, QStringLiteral("cnn"));
    QVERIFY(info->credits > 0);
    QVERIFY(info->parameters > 0);
    client->close();
}

void TestAgentAuth::secondClientIsBusy()
{
    AgentTestClient first(m_agent.secret());
    QVERIFY(first.connectTo(m_agent.url()));
    QVERIFY(first.startSession(smallConfig()));

    AgentTestClient second(m_agent.secret());
    QVERIFY(!second.connectTo(m_agent.url()) || second.waitClosed());
    QCOMPARE(second.closeError(), ConnectionError::PeerError);
    QVERIFY2(second.closeMessage().contains(QStringLiteral("agent is training for")),
             qPrintable(second.closeMessage()));

    // The first session is untouched: it still trains.
    QString error;
    const auto data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(data, qPrintable(error));
    QVERIFY(first.sendBatch(data->batch(0, 0, Split::Train, 0, 8)));
    const std::optional<StepMetrics> metrics = first.take<StepMetrics>();
    QVERIFY2(metrics, qPrintable(first.closeMessage()));
    QCOMPARE(metrics->seq, quint64(0));
    QVERIFY(!first.isClosed());
    first.close();

    // Once the first session ended, a new one is served.
    checkServesNewSession();
}

QTEST_GUILESS_MAIN(TestAgentAuth)
#include "tst_agent_auth.moc"
