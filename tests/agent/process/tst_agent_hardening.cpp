// A hardened agent (issue 12), against the real tandem-agent process: a peer that does not read,
// strangers that only say Hello, wrong proofs in a row, weak secrets, forged log lines, a batch
// without a credit, and a client that drops in the middle of a long step.
#include "agent_process.h"
#include "agent_test_client.h"
#include "auth.h"
#include "fashion_mnist.h"
#include "raw_client.h"
#include "wire_codec.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

using namespace tandem::protocol;

namespace {

// Resident memory of a process in KiB (VmRSS), or -1.
qint64 residentKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// A WebSocket client on a plain blocking POSIX socket with a tiny receive buffer, so that it can
// stop reading for real (QWebSocket reads everything the kernel has into its own buffer). Written
// from RFC 6455: masked client frames (an all-zero mask is valid), unmasked server frames.
class BlockingWsClient {
public:
    ~BlockingWsClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool connectTo(const QUrl &url, int receiveBuffer)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return false;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        timeval timeout{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(quint16(url.port()));
        ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            return false;
        const QByteArray request =
            QStringLiteral("GET / HTTP/1.1\r\nHost: 127.0.0.1:%1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n")
                .arg(url.port())
                .toLatin1();
        if (!writeAll(request))
            return false;
        QByteArray response;
        while (!response.contains("\r\n\r\n")) {
            char c = 0;
            if (::recv(m_fd, &c, 1, 0) != 1)
                return false;
            response += c;
        }
        return response.startsWith("HTTP/1.1 101");
    }

    bool sendMessage(const QByteArray &payload)
    {
        QByteArray frame;
        frame += char(0x82); // FIN, binary
        if (payload.size() < 126) {
            frame += char(0x80 | payload.size());
        } else {
            frame += char(0x80 | 126);
            frame += char((payload.size() >> 8) & 0xFF);
            frame += char(payload.size() & 0xFF);
        }
        frame += QByteArray(4, '\0'); // mask key 0: payload unchanged
        frame += payload;
        return writeAll(frame);
    }

    // The next whole binary message (continuation frames joined); nullopt on close, error or timeout.
    std::optional<QByteArray> readMessage()
    {
        QByteArray message;
        for (;;) {
            QByteArray header;
            if (!readExactly(2, header))
                return std::nullopt;
            const int opcode = header[0] & 0x0F;
            const bool fin = (header[0] & 0x80) != 0;
            quint64 length = quint8(header[1]) & 0x7F;
            QByteArray extended;
            if (length == 126) {
                if (!readExactly(2, extended))
                    return std::nullopt;
                length = (quint64(quint8(extended[0])) << 8) | quint8(extended[1]);
            } else if (length == 127) {
                if (!readExactly(8, extended))
                    return std::nullopt;
                length = 0;
                for (int i = 0; i < 8; ++i)
                    length = (length << 8) | quint8(extended[i]);
            }
            QByteArray payload;
            if (!readExactly(qint64(length), payload))
                return std::nullopt;
            if (opcode == 0x8)
                return std::nullopt; // close
            if (opcode == 0x9 || opcode == 0xA)
                continue; // ping/pong frames of the WebSocket layer
            message += payload;
            if (fin)
                return message;
        }
    }

    [[nodiscard]] int messagesRead() const { return m_messagesRead; }
    [[nodiscard]] int lastErrno() const { return m_errno; }

    template <typename T> std::optional<T> nextOf()
    {
        while (const std::optional<QByteArray> bytes = readMessage()) {
            ++m_messagesRead;
            DecodeResult decoded = decode(*bytes);
            if (decoded.ok()) {
                if (auto *found = std::get_if<T>(&*decoded.message))
                    return *found;
            }
        }
        return std::nullopt;
    }

private:
    bool writeAll(const QByteArray &bytes)
    {
        qint64 done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }
    bool readExactly(qint64 count, QByteArray &out)
    {
        out.resize(count);
        qint64 done = 0;
        while (done < count) {
            const ssize_t n = ::recv(m_fd, out.data() + done, size_t(count - done), 0);
            if (n <= 0) {
                m_errno = n == 0 ? 0 : errno;
                return false;
            }
            done += n;
        }
        return true;
    }

    int m_fd = -1;
    int m_messagesRead = 0;
    int m_errno = 0;
};

std::unique_ptr<AgentProcess> startAgent(const QStringList &arguments = {QStringLiteral("--threads"),
                                                                         QStringLiteral("1")})
{
    auto agent = std::make_unique<AgentProcess>();
    if (!agent->start(arguments))
        qWarning().noquote() << agent->error();
    return agent;
}

// Steps that take a while: ResNet-18 on 224×224 on one CPU thread takes seconds a batch. Real
// Fashion-MNIST images, enlarged 8× (nearest neighbour) to the session's size.
constexpr int kScale = 8;
SessionConfig slowConfig(int count)
{
    SessionConfig config = FashionMnist::sessionConfig(count);
    config.model = QStringLiteral("resnet18");
    config.height = config.width = FashionMnist::kSide * kScale;
    return config;
}
Batch slowBatch(const FashionMnist &data, quint64 seq, int count)
{
    Batch batch = data.batch(seq, 0, Split::Train, 0, count);
    const int side = FashionMnist::kSide;
    const int large = side * kScale;
    QByteArray pixels(qsizetype(count) * large * large, Qt::Uninitialized);
    for (int n = 0; n < count; ++n)
        for (int y = 0; y < large; ++y)
            for (int x = 0; x < large; ++x)
                pixels[(qsizetype(n) * large + y) * large + x] =
                    batch.pixels[(qsizetype(n) * side + y / kScale) * side + x / kScale];
    batch.pixels = pixels;
    batch.height = batch.width = quint16(large);
    return batch;
}

} // namespace

class TestAgentHardening : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void peerThatDoesNotReadIsDisconnected();
    void helloOnlyStrangersDoNotLockOutTheOwner();
    void busyComesInsteadOfTheAgentsProof();
    void failedProofsBackOffPerSource();
    void weakSecretsAreRefused();
    void generatedSecretIsTheDefault();
    void peerStringsCannotForgeLogLines();
    void batchWithoutCreditIsMalformed();
    void dropMidStepDoesNotHoldTheNextClient();
};

void TestAgentHardening::peerThatDoesNotReadIsDisconnected()
{
    const auto agent = startAgent();
    QVERIFY(agent->isRunning());

    BlockingWsClient client;
    QVERIFY(client.connectTo(agent->url(), 4096));
    const std::optional<Hello> agentHello = client.nextOf<Hello>();
    QVERIFY(agentHello);
    Hello hello;
    hello.role = Role::Client;
    hello.nonce = auth::makeNonce();
    hello.software = QStringLiteral("tst_agent_hardening non-reader");
    QVERIFY(client.sendMessage(encode(hello)));
    QVERIFY(client.sendMessage(
        encode(AuthProof{auth::proof(agent->secret(), Role::Client, agentHello->nonce, hello.nonce)})));
    QVERIFY(client.nextOf<AuthProof>());
    QVERIFY(client.sendMessage(encode(SessionConfigMessage{FashionMnist::sessionConfig(8).toJson()})));
    QVERIFY(client.nextOf<SessionReady>());

    // From here on the client never reads, and keeps asking for the weights.
    const qint64 baselineKiB = residentKiB(agent->pid());
    QVERIFY(baselineKiB > 0);
    qint64 peakKiB = baselineKiB;
    const QByteArray request = encode(WeightsRequest{});
    constexpr qint64 kBoundKiB = 96 * 1024; // 16 MiB of slack + one Weights + the allocator's and Qt's share
    bool disconnected = false;
    int sent = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 60'000 && peakKiB - baselineKiB < 4 * kBoundKiB) {
        if (!client.sendMessage(request))
            break; // the agent closed
        ++sent;
        QTest::qWait(5); // under the agent's 64 waiting requests: the trainer answers each in ~1 ms
        peakKiB = std::max(peakKiB, residentKiB(agent->pid()));
        if (agent->output().contains(QStringLiteral("the peer is not reading"))) {
            disconnected = true;
            break;
        }
    }
    const qint64 growthKiB = peakKiB - baselineKiB;
    qInfo("non-reading peer: %d WeightsRequests sent in %lld ms; agent RSS %lld KiB at SessionReady, peak %lld KiB "
          "(+%.1f MiB)",
          sent, clock.elapsed(), baselineKiB, peakKiB, double(growthKiB) / 1024.0);
    QVERIFY2(disconnected, qPrintable(agent->output().right(2000)));
    QVERIFY2(growthKiB < kBoundKiB, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(growthKiB)));

    // The agent queued an Error{SlowReader} behind what the client never read: a reader that
    // catches up (within the agent's linger) finds the reason.
    const std::optional<Error> error = client.nextOf<Error>();
    QVERIFY2(error, qPrintable(QStringLiteral("%1 messages read after the stop, then: %2")
                                   .arg(client.messagesRead())
                                   .arg(QString::fromLocal8Bit(std::strerror(client.lastErrno())))));
    QCOMPARE(error->code, ErrorCode::SlowReader);
    QVERIFY2(error->message.contains(QStringLiteral("not reading")), qPrintable(error->message));
    QVERIFY(agent->isRunning());
}

void TestAgentHardening::helloOnlyStrangersDoNotLockOutTheOwner()
{
    const auto agent = startAgent();
    constexpr int kStrangers = 20;
    std::vector<std::unique_ptr<RawClient>> strangers;
    for (int i = 0; i < kStrangers; ++i) {
        auto raw = std::make_unique<RawClient>(agent->url());
        QVERIFY(raw->waitConnected());
        QVERIFY(raw->nextOf<Hello>());
        Hello hello;
        hello.role = Role::Client;
        hello.nonce = auth::makeNonce();
        hello.software = QStringLiteral("stranger %1").arg(i);
        raw->sendBinary(encode(hello));
        strangers.push_back(std::move(raw));
    }

    // The owner still gets in, and trains.
    AgentTestClient owner(agent->secret());
    QVERIFY2(owner.connectTo(agent->url()), qPrintable(owner.closeMessage()));
    const std::optional<SessionInfo> info = owner.startSession(FashionMnist::sessionConfig(8));
    QVERIFY2(info, qPrintable(owner.closeMessage()));
    QString error;
    const auto data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(data, qPrintable(error));
    QVERIFY(owner.sendBatch(data->batch(0, 0, Split::Train, 0, 8)));
    QVERIFY2(owner.take<StepMetrics>(), qPrintable(owner.closeMessage()));

    // Strangers beyond the budget were told why (Busy), not just cut off.
    int busy = 0;
    for (const auto &raw : strangers) {
        if (const std::optional<Error> refusal = raw->nextOf<Error>(200)) {
            QCOMPARE(refusal->code, ErrorCode::Busy);
            QVERIFY2(refusal->message.contains(QStringLiteral("still authenticating")), qPrintable(refusal->message));
            ++busy;
        }
    }
    QVERIFY2(busy >= kStrangers - 4, qPrintable(QString::number(busy)));
    owner.close();
}

void TestAgentHardening::busyComesInsteadOfTheAgentsProof()
{
    const auto agent = startAgent();
    AgentTestClient first(agent->secret());
    QVERIFY(first.connectTo(agent->url()));
    QVERIFY(first.startSession(FashionMnist::sessionConfig(8)));

    RawClient second(agent->url());
    QVERIFY(second.waitConnected());
    QVERIFY(second.sendHelloAndProof(agent->secret()));
    bool sawProof = false;
    std::optional<Error> refusal;
    while (const std::optional<Message> message = second.next()) {
        if (std::holds_alternative<AuthProof>(*message))
            sawProof = true;
        if (const auto *error = std::get_if<Error>(&*message)) {
            refusal = *error;
            break;
        }
    }
    QVERIFY(refusal);
    QCOMPARE(refusal->code, ErrorCode::Busy);
    QVERIFY2(refusal->message.contains(QStringLiteral("agent is training for")), qPrintable(refusal->message));
    QVERIFY2(!sawProof, "the agent proved itself to a client it then refused");
    first.close();
}

void TestAgentHardening::failedProofsBackOffPerSource()
{
    const auto agent = startAgent();
    int authFailed = 0;
    int refused = 0;
    QString refusal;
    QElapsedTimer clock;
    clock.start();
    // Wrong proofs as fast as one client can make them, for 3 s.
    while (clock.elapsed() < 3000) {
        RawClient raw(agent->url());
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.sendHelloAndProof(auth::generateSecret()));
        const std::optional<Error> error = raw.nextOf<Error>();
        QVERIFY(error);
        if (error->code == ErrorCode::AuthFailed) {
            ++authFailed;
        } else {
            QCOMPARE(error->code, ErrorCode::Busy);
            QVERIFY2(error->message.contains(QStringLiteral("too many failed proofs")) &&
                         error->message.contains(QStringLiteral("retry after")),
                     qPrintable(error->message));
            refusal = error->message;
            ++refused;
        }
        // The first five wrong proofs are answered AuthFailed; the sixth connection is refused.
        if (authFailed + refused == 6)
            QCOMPARE(refused, 1);
    }
    qInfo("wrong proofs: %d verified and failed, %d connections refused in %lld ms (%.1f verified/s); last: %s",
          authFailed, refused, clock.elapsed(), authFailed * 1000.0 / double(clock.elapsed()), qPrintable(refusal));
    QVERIFY(refused > 0);
    QVERIFY(authFailed >= 5);
}

void TestAgentHardening::weakSecretsAreRefused()
{
    for (const QByteArray &weak : {QByteArrayLiteral("x"), QByteArrayLiteral("correct-horse-battery"),
                                   QByteArrayLiteral("0123456789abcdef012345")}) {
        AgentProcess agent(weak);
        QVERIFY(!agent.start());
        QCOMPARE(agent.waitForExit(), 2);
        const QString output = agent.output();
        QVERIFY2(output.contains(QStringLiteral("the secret is too weak")) && output.contains(QStringLiteral("128")),
                 qPrintable(output));
    }
    QVERIFY(auth::secretStrengthError(auth::generateSecret()).isEmpty());
    QVERIFY(auth::secretStrengthError(QByteArrayLiteral("0123456789abcdef0123456789abcdef")).isEmpty()); // 32 hex
}

void TestAgentHardening::generatedSecretIsTheDefault()
{
    AgentProcess agent{QByteArray()}; // TANDEM_SECRET empty, no --secret-file
    QVERIFY2(agent.start(), qPrintable(agent.error()));
    static const QRegularExpression line(QStringLiteral("generated one for this run; give it to the app: (\\S+)"));
    const QRegularExpressionMatch match = line.match(agent.output());
    QVERIFY2(match.hasMatch(), qPrintable(agent.output()));
    const QByteArray secret = match.captured(1).toLatin1();
    QCOMPARE(secret.size(), 43);
    AgentTestClient client(secret);
    QVERIFY2(client.connectTo(agent.url()), qPrintable(client.closeMessage()));
    client.close();
}

void TestAgentHardening::peerStringsCannotForgeLogLines()
{
    const auto agent = startAgent();
    {
        // Before authentication: the software string reaches the IncompatibleVersion message.
        RawClient raw(agent->url());
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.nextOf<Hello>());
        Hello hello;
        hello.role = Role::Client;
        hello.nonce = auth::makeNonce();
        hello.minVersion = 2;
        hello.maxVersion = 3;
        hello.software = QStringLiteral("evil\nFORGED line before authentication\x1b[2J");
        raw.sendBinary(encode(hello));
        const std::optional<Error> error = raw.nextOf<Error>();
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::IncompatibleVersion);
    }
    {
        // After authentication: the software string is part of the peer's name in every line.
        RawClient raw(agent->url(), QStringLiteral("tool\r\nFORGED line after authentication"));
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.authenticate(agent->secret()));
        raw.sendBinary(encode(Goodbye{QStringLiteral("bye\nFORGED goodbye")}));
        QVERIFY(raw.waitDisconnected());
    }
    QVERIFY(agent->waitForOutput(QStringLiteral("FORGED goodbye")));
    const QString output = agent->output();
    for (const QString &logLine : output.split(QLatin1Char('\n')))
        QVERIFY2(!logLine.startsWith(QStringLiteral("FORGED")), qPrintable(output));
    QVERIFY2(!output.contains(QChar(0x1b)), qPrintable(output));
    // The strings were logged, escaped.
    QVERIFY2(output.contains(QStringLiteral("evil\\nFORGED line before authentication\\x1b[2J")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("tool\\r\\nFORGED line after authentication")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("bye\\nFORGED goodbye")), qPrintable(output));
}

void TestAgentHardening::batchWithoutCreditIsMalformed()
{
    const auto agent = startAgent();
    QString error;
    const auto data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(data, qPrintable(error));
    RawClient raw(agent->url());
    QVERIFY(raw.waitConnected());
    QVERIFY(raw.authenticate(agent->secret()));
    raw.sendBinary(encode(SessionConfigMessage{slowConfig(4).toJson()}));
    const std::optional<SessionReady> ready = raw.nextOf<SessionReady>(60000);
    QVERIFY(ready);
    QString infoError;
    const std::optional<SessionInfo> info = SessionInfo::fromJson(ready->json, &infoError);
    QVERIFY2(info, qPrintable(infoError));
    // Two more than the window, at once: the trainer takes the first batch and is busy with its
    // step long after the others arrived, so at most one credit came back.
    for (int seq = 0; seq < info->credits + 2; ++seq)
        raw.queueBinary(encode(slowBatch(*data, quint64(seq), 4)));
    raw.flush();
    const std::optional<Error> refusal = raw.nextOf<Error>(30000);
    QVERIFY(refusal);
    QCOMPARE(refusal->code, ErrorCode::MalformedMessage);
    QVERIFY2(refusal->message.contains(QStringLiteral("without a credit")), qPrintable(refusal->message));
}

void TestAgentHardening::dropMidStepDoesNotHoldTheNextClient()
{
    const auto agent = startAgent();
    QString error;
    const auto data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(data, qPrintable(error));

    // A long step (seconds).
    constexpr int kCount = 32;
    const SessionConfig config = slowConfig(kCount);
    const Batch batch = slowBatch(*data, 0, kCount);

    auto dropped = std::make_unique<AgentTestClient>(agent->secret());
    QVERIFY(dropped->connectTo(agent->url()));
    QVERIFY2(dropped->startSession(config), qPrintable(dropped->closeMessage()));
    const int creditsBefore = dropped->creditMessages();
    QVERIFY(dropped->sendBatch(batch));
    // The agent grants a credit when its trainer takes the batch: the step has begun.
    QVERIFY(QTest::qWaitFor([&] { return dropped->creditMessages() > creditsBefore; }, 60000));
    dropped.reset(); // no Goodbye: the socket just goes, mid-step
    QVERIFY(agent->waitForOutput(QStringLiteral("connection dropped")));

    AgentTestClient next(agent->secret());
    QVERIFY2(next.connectTo(agent->url()), qPrintable(next.closeMessage()));
    QVERIFY2(next.startSession(FashionMnist::sessionConfig(8)), qPrintable(next.closeMessage()));
    // Causality, not a stopwatch: the new client was served while the dropped session's trainer
    // was still in its step (the agent logs when that trainer stops, and it had not yet).
    QVERIFY2(!agent->output().contains(QStringLiteral("has stopped")), qPrintable(agent->output()));
    QVERIFY2(agent->waitForOutput(QStringLiteral("has stopped"), 120000), qPrintable(agent->output()));
    QVERIFY(next.sendBatch(data->batch(0, 0, Split::Train, 0, 8)));
    QVERIFY2(next.take<StepMetrics>(), qPrintable(next.closeMessage()));
    next.close();
}

QTEST_GUILESS_MAIN(TestAgentHardening)
#include "tst_agent_hardening.moc"
