// Tests of core/protocol/message_socket: two real MessageSockets (and bare WebSocket peers) over an
// in-process QWebSocketServer on 127.0.0.1, port 0.
#include "auth.h"
#include "handshake.h"
#include "message_socket.h"
#include "session_config.h"
#include "wire_codec.h"

#include "tcp_relay.h"

#include <QHostAddress>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <optional>

namespace tandem::protocol {
// Readable names in QCOMPARE failure output (found by argument-dependent lookup).
char *toString(ConnectionError error)
{
    return qstrdup(connectionErrorName(error));
}
char *toString(ErrorCode code)
{
    return qstrdup(QByteArray::number(int(code)).constData());
}
} // namespace tandem::protocol

using namespace tandem::protocol;

namespace {

constexpr int kTimeoutMs = 10'000; // generous for loaded CI machines; passing runs take milliseconds

QByteArray pattern(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

ConnectionError closedError(const QSignalSpy &spy, int i = 0)
{
    return spy.at(i).at(0).value<ConnectionError>();
}
QString closedMessage(const QSignalSpy &spy, int i = 0)
{
    return spy.at(i).at(1).toString();
}

// A bare WebSocket peer that sends whatever a test wants, and can authenticate with the real
// Handshake first. It records every frame it receives, decoded, and its disconnection.
class RawPeer {
public:
    explicit RawPeer(std::optional<QByteArray> secret = std::nullopt)
    {
        if (secret)
            m_handshake.emplace(Role::Client, *secret);
        QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived, &m_socket,
                         [this](const QByteArray &frame) { onFrame(frame); });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket,
                         [this] { events << QStringLiteral("disconnected"); });
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket, [this] {
            if (m_handshake)
                m_socket.sendBinaryMessage(encode(m_handshake->hello()));
        });
    }
    Q_DISABLE_COPY_MOVE(RawPeer)

    QWebSocket &socket() { return m_socket; }

    std::vector<Message> received;
    QStringList events; // the type of each frame received ("undecodable" if none), then "disconnected"
    bool authenticated = false;

    [[nodiscard]] std::optional<Error> error() const
    {
        for (const Message &message : received) {
            if (const auto *error = std::get_if<Error>(&message))
                return *error;
        }
        return std::nullopt;
    }

private:
    void onFrame(const QByteArray &frame)
    {
        DecodeResult result = decode(frame);
        if (!result.ok()) {
            events << QStringLiteral("undecodable");
            return;
        }
        events << QLatin1String(typeName(typeOf(*result.message)));
        received.push_back(*result.message);
        if (!m_handshake || authenticated)
            return;
        const Message &message = *result.message;
        if (!std::holds_alternative<Hello>(message) && !std::holds_alternative<AuthProof>(message))
            return;
        const Handshake::Step step = m_handshake->onMessage(message);
        if (step.reply)
            m_socket.sendBinaryMessage(encode(*step.reply));
        authenticated = step.authenticated;
    }

    QWebSocket m_socket;
    std::optional<Handshake> m_handshake;
};

} // namespace

class TestMessageSocket : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void readyWithTheSameSecret();
    void wrongSecret();
    void smallMessageArrives();
    void largeWeightsArriveFragmented_data();
    void largeWeightsArriveFragmented();
    void pingPong_data();
    void pingPong();
    void keepalivePings();
    void goodbyeClosesCleanly_data();
    void goodbyeClosesCleanly();
    void serverAbortDropsClient();
    void closedPortIsRefused();
    void rawPeerRejected_data();
    void rawPeerRejected();
    void handshakeTimeout();
    void keepaliveTimeout();
    void linkFailureEndsBothSides_data();
    void linkFailureEndsBothSides();
    void helloAfterAuthentication();

private:
    [[nodiscard]] QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort())); }
    // The agent-side MessageSocket takes over the next connection the server accepts.
    void agentAccepts(const QByteArray &secret);
    void connectPair(const QByteArray &agentSecret, const QByteArray &clientSecret);
    void connectThroughRelay(TcpRelay &relay, const QByteArray &secret);
    // Waits for both sides to be ready.
    [[nodiscard]] bool waitReady();

    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<MessageSocket> m_agent;
    std::unique_ptr<MessageSocket> m_client;
    QPointer<QWebSocket> m_accepted;
};

void TestMessageSocket::init()
{
    m_server =
        std::make_unique<QWebSocketServer>(QStringLiteral("tst_message_socket"), QWebSocketServer::NonSecureMode);
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
}

void TestMessageSocket::cleanup()
{
    m_client.reset();
    m_agent.reset();
    m_server.reset();
}

void TestMessageSocket::agentAccepts(const QByteArray &secret)
{
    m_agent = std::make_unique<MessageSocket>(Role::Agent, secret);
    connect(m_server.get(), &QWebSocketServer::newConnection, m_agent.get(), [this] {
        QWebSocket *socket = m_server->nextPendingConnection();
        m_accepted = socket;
        m_agent->attach(socket);
    });
}

// Both ends through a real TCP relay (tests/support/tcp_relay.h), which a test cuts or freezes.
void TestMessageSocket::connectThroughRelay(TcpRelay &relay, const QByteArray &secret)
{
    agentAccepts(secret);
    m_client = std::make_unique<MessageSocket>(Role::Client, secret);
    m_client->open(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(relay.port())));
}

void TestMessageSocket::connectPair(const QByteArray &agentSecret, const QByteArray &clientSecret)
{
    agentAccepts(agentSecret);
    m_client = std::make_unique<MessageSocket>(Role::Client, clientSecret);
    m_client->open(url());
}

bool TestMessageSocket::waitReady()
{
    return QTest::qWaitFor(
        [this] {
            return m_agent->state() == MessageSocket::State::Ready && m_client->state() == MessageSocket::State::Ready;
        },
        kTimeoutMs);
}

void TestMessageSocket::readyWithTheSameSecret()
{
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QSignalSpy agentReady(m_agent.get(), &MessageSocket::ready);
    QSignalSpy clientReady(m_client.get(), &MessageSocket::ready);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    QSignalSpy clientClosed(m_client.get(), &MessageSocket::closed);
    QCOMPARE(m_client->state(), MessageSocket::State::Opening);

    QTRY_COMPARE_WITH_TIMEOUT(agentReady.size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(clientReady.size(), 1, kTimeoutMs);
    QCOMPARE(m_agent->state(), MessageSocket::State::Ready);
    QCOMPARE(m_client->state(), MessageSocket::State::Ready);
    QCOMPARE(m_client->peerSoftware(), QStringLiteral("tandem-agent " TANDEM_VERSION_STRING));
    QCOMPARE(m_agent->peerSoftware(), QStringLiteral("tandem " TANDEM_VERSION_STRING));
    QVERIFY(m_agent->peerAddress().startsWith(QLatin1String("127.0.0.1:")));
    QCOMPARE(agentClosed.size(), 0);
    QCOMPARE(clientClosed.size(), 0);
}

void TestMessageSocket::wrongSecret()
{
    connectPair(auth::generateSecret(), auth::generateSecret());
    QSignalSpy agentReady(m_agent.get(), &MessageSocket::ready);
    QSignalSpy clientReady(m_client.get(), &MessageSocket::ready);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    QSignalSpy clientClosed(m_client.get(), &MessageSocket::closed);

    QTRY_COMPARE_WITH_TIMEOUT(clientClosed.size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(clientClosed), ConnectionError::WrongSecret);
    QCOMPARE(closedError(agentClosed), ConnectionError::PeerUnauthenticated);
    const QString why = QStringLiteral("wrong secret: the client could not prove it knows this session's secret");
    QCOMPARE(closedMessage(agentClosed), why);
    QCOMPARE(closedMessage(clientClosed), why); // the agent's Error, as received
    QCOMPARE(agentReady.size(), 0);
    QCOMPARE(clientReady.size(), 0);
    QTest::qWait(100); // the disconnection that follows reports nothing more
    QCOMPARE(clientClosed.size(), 1);
    QCOMPARE(agentClosed.size(), 1);
}

void TestMessageSocket::smallMessageArrives()
{
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    QSignalSpy received(m_agent.get(), &MessageSocket::messageReceived);

    SessionConfig config;
    config.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    const qint64 before = monotonicNs();
    m_client->send(SessionConfigMessage{config.toJson()});
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kTimeoutMs);
    const auto message = received.at(0).at(0).value<Message>();
    QVERIFY(std::holds_alternative<SessionConfigMessage>(message));
    QCOMPARE(std::get<SessionConfigMessage>(message).json, config.toJson());
    const qint64 firstByteNs = received.at(0).at(1).toLongLong();
    const qint64 arrivalNs = received.at(0).at(2).toLongLong();
    QCOMPARE(firstByteNs, arrivalNs); // one frame
    QVERIFY(arrivalNs >= before);
    QVERIFY(arrivalNs <= monotonicNs());
}

void TestMessageSocket::largeWeightsArriveFragmented_data()
{
    QTest::addColumn<bool>("fromAgent");
    QTest::newRow("agent to client") << true;
    QTest::newRow("client to agent") << false;
}

void TestMessageSocket::largeWeightsArriveFragmented()
{
    QFETCH(bool, fromAgent);
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    MessageSocket *sender = fromAgent ? m_agent.get() : m_client.get();
    MessageSocket *receiver = fromAgent ? m_client.get() : m_agent.get();
    QSignalSpy received(receiver, &MessageSocket::messageReceived);
    QSignalSpy written(sender, &MessageSocket::bytesWritten);
    QSignalSpy receiverClosed(receiver, &MessageSocket::closed);

    const Weights weights{QStringLiteral("torch-pickle-state-dict"), pattern(5 << 20, 17)};
    QVERIFY(encode(weights).size() > 5 * receiver->limits().maxFrameBytes); // 6 fragments
    sender->send(weights);

    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kTimeoutMs);
    const auto message = received.at(0).at(0).value<Message>();
    QVERIFY(std::holds_alternative<Weights>(message));
    QCOMPARE(std::get<Weights>(message).format, weights.format);
    QVERIFY(std::get<Weights>(message).data == weights.data); // QCOMPARE would print 5 MiB
    QVERIFY(received.at(0).at(1).toLongLong() <= received.at(0).at(2).toLongLong());
    qint64 bytes = 0;
    for (const QList<QVariant> &args : written)
        bytes += args.at(0).toLongLong();
    QVERIFY2(bytes >= weights.data.size(), qPrintable(QString::number(bytes)));
    QCOMPARE(receiverClosed.size(), 0);
}

void TestMessageSocket::pingPong_data()
{
    QTest::addColumn<bool>("agentPings");
    QTest::newRow("client pings") << false;
    QTest::newRow("agent pings") << true;
}

void TestMessageSocket::pingPong()
{
    QFETCH(bool, agentPings);
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    MessageSocket *pinger = agentPings ? m_agent.get() : m_client.get();
    MessageSocket *other = agentPings ? m_client.get() : m_agent.get();
    QSignalSpy pong(pinger, &MessageSocket::pongReceived);
    QSignalSpy otherPong(other, &MessageSocket::pongReceived);
    QSignalSpy otherReceived(other, &MessageSocket::messageReceived);

    const qint64 before = monotonicNs();
    pinger->ping();
    QTRY_COMPARE_WITH_TIMEOUT(pong.size(), 1, kTimeoutMs);
    const qint64 t1 = pong.at(0).at(0).toLongLong();
    const qint64 t2 = pong.at(0).at(1).toLongLong();
    const qint64 t3 = pong.at(0).at(2).toLongLong();
    const qint64 t4 = pong.at(0).at(3).toLongLong();
    QVERIFY(t1 >= before);
    QVERIFY(t1 <= t4);
    QVERIFY(t2 <= t3);
    // One process, one clock: the four stamps are in causal order.
    QVERIFY(t1 <= t2);
    QVERIFY(t3 <= t4);
    QCOMPARE(otherPong.size(), 0);
    QCOMPARE(otherReceived.size(), 0); // Ping is answered inside MessageSocket
}

void TestMessageSocket::keepalivePings()
{
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    QSignalSpy pong(m_client.get(), &MessageSocket::pongReceived);
    QSignalSpy agentReceived(m_agent.get(), &MessageSocket::messageReceived);
    m_client->setKeepaliveInterval(100); // long enough that a loaded machine's stalls do not time it out
    QTRY_VERIFY_WITH_TIMEOUT(pong.size() >= 3, kTimeoutMs);
    m_client->setKeepaliveInterval(0);
    QCOMPARE(agentReceived.size(), 0);
    QCOMPARE(m_client->state(), MessageSocket::State::Ready);
}

void TestMessageSocket::goodbyeClosesCleanly_data()
{
    QTest::addColumn<bool>("agentCloses");
    QTest::newRow("client says goodbye") << false;
    QTest::newRow("agent says goodbye") << true;
}

void TestMessageSocket::goodbyeClosesCleanly()
{
    QFETCH(bool, agentCloses);
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    MessageSocket *closer = agentCloses ? m_agent.get() : m_client.get();
    MessageSocket *other = agentCloses ? m_client.get() : m_agent.get();
    QSignalSpy closerClosed(closer, &MessageSocket::closed);
    QSignalSpy otherClosed(other, &MessageSocket::closed);

    closer->close(QStringLiteral("training finished"));
    QCOMPARE(closerClosed.size(), 1); // reported at once
    QCOMPARE(closedError(closerClosed), ConnectionError::None);
    QCOMPARE(closer->state(), MessageSocket::State::Closed);
    QTRY_COMPARE_WITH_TIMEOUT(otherClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(otherClosed), ConnectionError::None);
    QCOMPARE(closedMessage(otherClosed), QStringLiteral("training finished"));
    QCOMPARE(other->state(), MessageSocket::State::Closed);
    QTest::qWait(100); // the WebSocket close that follows reports nothing more
    QCOMPARE(closerClosed.size(), 1);
    QCOMPARE(otherClosed.size(), 1);
}

void TestMessageSocket::serverAbortDropsClient()
{
    const QByteArray secret = auth::generateSecret();
    connectPair(secret, secret);
    QVERIFY(waitReady());
    QSignalSpy clientClosed(m_client.get(), &MessageSocket::closed);
    QVERIFY(m_accepted);
    m_accepted->abort();
    QTRY_COMPARE_WITH_TIMEOUT(clientClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(clientClosed), ConnectionError::Dropped);
    QVERIFY2(closedMessage(clientClosed).startsWith(QLatin1String("connection dropped")),
             qPrintable(closedMessage(clientClosed)));
    QCOMPARE(m_client->state(), MessageSocket::State::Closed);
}

void TestMessageSocket::closedPortIsRefused()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    m_client = std::make_unique<MessageSocket>(Role::Client, auth::generateSecret());
    QSignalSpy closed(m_client.get(), &MessageSocket::closed);
    QSignalSpy ready(m_client.get(), &MessageSocket::ready);
    const QUrl target(QStringLiteral("ws://127.0.0.1:%1").arg(port));
    m_client->open(target);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(closed), ConnectionError::Refused);
    QVERIFY2(closedMessage(closed).startsWith(QStringLiteral("could not connect to %1").arg(target.toString())),
             qPrintable(closedMessage(closed)));
    QTest::qWait(50);
    QCOMPARE(closed.size(), 1);
    QCOMPARE(ready.size(), 0);
}

void TestMessageSocket::rawPeerRejected_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("asText");
    QTest::addColumn<ConnectionError>("agentError");
    QTest::addColumn<ErrorCode>("sentCode");
    QTest::addColumn<QString>("detail"); // what the agent's Error message starts with

    Hello clientHello{1, 1, Role::Client, QByteArray(kNonceBytes, 'n'), QStringLiteral("raw")};
    QByteArray version2 = encode(clientHello);
    version2[4] = 2;
    Hello future = clientHello;
    future.minVersion = 2;
    future.maxVersion = 3;
    Hello impostor = clientHello;
    impostor.role = Role::Agent;
    Batch batch;
    batch.channels = 1;
    batch.height = 8;
    batch.width = 8;
    batch.labels = {1};
    batch.contentIds = {2};
    batch.pixels = QByteArray(64, 'p');

    QTest::newRow("garbage") << QByteArray("\x00\x01 garbage that is no message", 29) << false
                             << ConnectionError::Malformed << ErrorCode::MalformedMessage
                             << "malformed message: not a Tandem message";
    QTest::newRow("empty frame") << QByteArray() << false << ConnectionError::Malformed << ErrorCode::MalformedMessage
                                 << "malformed message: 0 bytes is shorter than the 12-byte header";
    QTest::newRow("text frame") << QByteArray("{\"hello\": 1}") << true << ConnectionError::Malformed
                                << ErrorCode::MalformedMessage << "text frames are not part of the protocol";
    QTest::newRow("Batch before Hello") << encode(batch) << false << ConnectionError::Unexpected
                                        << ErrorCode::UnexpectedMessage << "Batch before authentication";
    QTest::newRow("Fragment before Hello")
        << encode(Fragment{1, 0, 2, 100, QByteArray("x")}) << false << ConnectionError::Unexpected
        << ErrorCode::UnexpectedMessage << "fragmented message before authentication";
    QTest::newRow("AuthProof before Hello")
        << encode(AuthProof{QByteArray(kProofBytes, 'p')}) << false << ConnectionError::Unexpected
        << ErrorCode::UnexpectedMessage << "AuthProof before Hello";
    QTest::newRow("header version 2") << version2 << false << ConnectionError::IncompatibleVersion
                                      << ErrorCode::IncompatibleVersion
                                      << "peer speaks protocol version 2, this build speaks 1";
    QTest::newRow("Hello for versions 2-3") << encode(future) << false << ConnectionError::IncompatibleVersion
                                            << ErrorCode::IncompatibleVersion << "raw speaks protocol versions 2–3";
    QTest::newRow("Hello from an agent") << encode(impostor) << false << ConnectionError::Unexpected
                                         << ErrorCode::UnexpectedMessage << "expected a client on the other end";
}

void TestMessageSocket::rawPeerRejected()
{
    QFETCH(QByteArray, frame);
    QFETCH(bool, asText);
    QFETCH(ConnectionError, agentError);
    QFETCH(ErrorCode, sentCode);
    QFETCH(QString, detail);

    agentAccepts(auth::generateSecret());
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    RawPeer raw;
    connect(&raw.socket(), &QWebSocket::connected, this, [&raw, &frame, asText] {
        if (asText)
            raw.socket().sendTextMessage(QString::fromUtf8(frame));
        else
            raw.socket().sendBinaryMessage(frame);
    });
    raw.socket().open(url());

    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(agentClosed), agentError);
    QVERIFY2(closedMessage(agentClosed).startsWith(detail), qPrintable(closedMessage(agentClosed)));

    // The peer learns why: an Error, then the close.
    QTRY_VERIFY_WITH_TIMEOUT(raw.events.contains(QLatin1String("disconnected")), kTimeoutMs);
    QCOMPARE(raw.events,
             (QStringList{QStringLiteral("Hello"), QStringLiteral("Error"), QStringLiteral("disconnected")}));
    const std::optional<Error> error = raw.error();
    QVERIFY(error);
    QCOMPARE(error->code, sentCode);
    QCOMPARE(error->message, closedMessage(agentClosed));
    QCOMPARE(raw.socket().closeCode(), QWebSocketProtocol::CloseCodeProtocolError);
}

void TestMessageSocket::handshakeTimeout()
{
    agentAccepts(auth::generateSecret());
    m_agent->setHandshakeTimeout(200);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    RawPeer raw; // connects and says nothing
    raw.socket().open(url());

    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(agentClosed), ConnectionError::Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(raw.events.contains(QLatin1String("disconnected")), kTimeoutMs);
    QCOMPARE(raw.events,
             (QStringList{QStringLiteral("Hello"), QStringLiteral("Error"), QStringLiteral("disconnected")}));
    QCOMPARE(raw.error()->code, ErrorCode::AuthFailed);
}

void TestMessageSocket::keepaliveTimeout()
{
    const QByteArray secret = auth::generateSecret();
    agentAccepts(secret);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    RawPeer raw(secret); // authenticates, then never answers a Ping
    raw.socket().open(url());
    QTRY_VERIFY_WITH_TIMEOUT(raw.authenticated && m_agent->state() == MessageSocket::State::Ready, kTimeoutMs);
    m_agent->setKeepaliveInterval(100);

    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(agentClosed), ConnectionError::Timeout);
    QVERIFY(raw.events.count(QLatin1String("Ping")) >= 1); // pinged each interval until 3 passed in silence
    QTRY_VERIFY_WITH_TIMEOUT(raw.events.contains(QLatin1String("disconnected")), kTimeoutMs);
}

// Through a real TCP relay, the link fails in the two ways links do. A tunnel restart: the relay
// aborts both TCP connections, and each end sees a drop. A half-open link: bytes stop flowing and no
// side is told; keepalive on each end must notice the silence (three intervals without a message)
// and call it a drop, in both directions.
void TestMessageSocket::linkFailureEndsBothSides_data()
{
    QTest::addColumn<bool>("halfOpen");
    QTest::addColumn<ConnectionError>("expected");
    QTest::newRow("cut") << false << ConnectionError::Dropped;
    QTest::newRow("half-open") << true << ConnectionError::Timeout;
}

void TestMessageSocket::linkFailureEndsBothSides()
{
    QFETCH(bool, halfOpen);
    QFETCH(ConnectionError, expected);
    TcpRelay relay(QHostAddress::LocalHost, m_server->serverPort());
    QVERIFY(relay.listen());
    connectThroughRelay(relay, auth::generateSecret());
    QVERIFY(waitReady());
    QSignalSpy clientClosed(m_client.get(), &MessageSocket::closed);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    if (halfOpen) {
        // 250 ms: a loaded CI machine may stall the event loop for a fraction of the 750 ms deadline.
        m_client->setKeepaliveInterval(250);
        m_agent->setKeepaliveInterval(250);
        // Pings flow while the link works: nobody times out over eight intervals.
        QTest::qWait(2000);
        QCOMPARE(clientClosed.size() + agentClosed.size(), 0);
        relay.setFrozen(true);
    } else {
        relay.cut();
    }
    QTRY_COMPARE_WITH_TIMEOUT(clientClosed.size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(clientClosed), expected);
    QCOMPARE(closedError(agentClosed), expected);
}

void TestMessageSocket::helloAfterAuthentication()
{
    const QByteArray secret = auth::generateSecret();
    agentAccepts(secret);
    QSignalSpy agentClosed(m_agent.get(), &MessageSocket::closed);
    QSignalSpy agentReceived(m_agent.get(), &MessageSocket::messageReceived);
    RawPeer raw(secret);
    raw.socket().open(url());
    QTRY_VERIFY_WITH_TIMEOUT(raw.authenticated && m_agent->state() == MessageSocket::State::Ready, kTimeoutMs);

    raw.socket().sendBinaryMessage(
        encode(Hello{1, 1, Role::Client, QByteArray(kNonceBytes, 'n'), QStringLiteral("again")}));
    QTRY_COMPARE_WITH_TIMEOUT(agentClosed.size(), 1, kTimeoutMs);
    QCOMPARE(closedError(agentClosed), ConnectionError::Unexpected);
    QCOMPARE(closedMessage(agentClosed), QStringLiteral("Hello after authentication"));
    QTRY_VERIFY_WITH_TIMEOUT(raw.error().has_value(), kTimeoutMs);
    QCOMPARE(raw.error()->code, ErrorCode::UnexpectedMessage);
    QCOMPARE(agentReceived.size(), 0);
}

QTEST_GUILESS_MAIN(TestMessageSocket)
#include "tst_message_socket.moc"
