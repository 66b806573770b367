#include "message_socket.h"

#include "common/stage.h"
#include "peer_text.h"

#include <QLoggingCategory>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcProtocol, "tandem.protocol")

namespace tandem::protocol {

namespace {
// Tunnels close sockets idle for ~100 s, and a half-open one (the peer gone without a FIN) must be
// seen as a drop within a minute: a ping every 12 s, and silence past 3 intervals (36 s) is a drop,
// noticed at the next tick, so between 36 and 48 s after the last message.
constexpr int kDefaultKeepaliveMs = 12'000;
constexpr int kDefaultHandshakeMs = 15'000;
constexpr int kSilentIntervalsBeforeTimeout = 3;
// Normal output is small (metrics, credits) apart from Weights (ResNet-18: ~45 MB), which the
// bound exempts as "the largest message in the queue"; 16 MiB beyond it is far more than a peer
// that reads lets pile up, and small enough to stop a peer that does not read at once.
constexpr qint64 kDefaultOutputSlack = 16 * 1024 * 1024;
// A connection failed because its peer does not read keeps its socket this long, so that a slow
// (rather than stopped) reader can still drain the queue and read the Error; then it is aborted.
constexpr int kSlowReaderLingerMs = 10'000;

ConnectionError fromPeerError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::AuthFailed: return ConnectionError::WrongSecret;
    case ErrorCode::IncompatibleVersion: return ConnectionError::IncompatibleVersion;
    default: return ConnectionError::PeerError;
    }
}

ConnectionError fromLocalError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::AuthFailed: return ConnectionError::PeerUnauthenticated;
    case ErrorCode::IncompatibleVersion: return ConnectionError::IncompatibleVersion;
    case ErrorCode::MalformedMessage: return ConnectionError::Malformed;
    case ErrorCode::UnexpectedMessage: return ConnectionError::Unexpected;
    case ErrorCode::SlowReader: return ConnectionError::SlowPeer;
    default: return ConnectionError::PeerError;
    }
}
} // namespace

const char *connectionErrorName(ConnectionError error)
{
    switch (error) {
    case ConnectionError::None: return "none";
    case ConnectionError::Refused: return "refused";
    case ConnectionError::WrongSecret: return "wrong secret";
    case ConnectionError::PeerUnauthenticated: return "peer unauthenticated";
    case ConnectionError::IncompatibleVersion: return "incompatible version";
    case ConnectionError::Malformed: return "malformed message";
    case ConnectionError::Unexpected: return "unexpected message";
    case ConnectionError::PeerError: return "peer error";
    case ConnectionError::Timeout: return "timeout";
    case ConnectionError::SlowPeer: return "slow peer";
    case ConnectionError::Dropped: return "dropped";
    }
    return "unknown";
}

MessageSocket::MessageSocket(Role self, QByteArray secret, Limits limits, QObject *parent)
    : QObject(parent), m_self(self), m_limits(limits), m_handshake(self, std::move(secret)), m_assembler(limits),
      m_outputSlack(kDefaultOutputSlack)
{
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(kDefaultHandshakeMs);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] {
        send(Error{ErrorCode::AuthFailed,
                   QStringLiteral("handshake not completed within %1 s").arg(m_handshakeTimer.interval() / 1000)});
        finish(ConnectionError::Timeout, QStringLiteral("the peer did not complete the handshake in time"));
    });
    m_keepalive.setInterval(kDefaultKeepaliveMs);
    connect(&m_keepalive, &QTimer::timeout, this, [this] {
        const qint64 silentNs = monotonicNs() - m_lastHeardNs;
        if (silentNs > qint64(kSilentIntervalsBeforeTimeout) * m_keepalive.interval() * 1'000'000) {
            finish(ConnectionError::Timeout,
                   QStringLiteral("no answer from the peer for %1 s")
                       .arg(double(silentNs) / 1e9, 0, 'f', silentNs < 10'000'000'000 ? 1 : 0));
            if (m_socket)
                m_socket->abort();
            return;
        }
        ping();
    });
}

MessageSocket::~MessageSocket()
{
    if (m_socket && m_slowReader && m_socket->state() != QAbstractSocket::UnconnectedState) {
        // Let the Error behind the queue reach a slow reader for a while; bounded in time and
        // (by the output bound) in memory.
        QWebSocket *socket = m_socket;
        socket->disconnect(this);
        socket->setParent(nullptr);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(kSlowReaderLingerMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        return;
    }
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void MessageSocket::open(const QUrl &url)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    attach(socket);
    m_state = State::Opening;
    socket->open(url);
}

void MessageSocket::attach(QWebSocket *socket)
{
    m_socket = socket;
    socket->setParent(this);
    // QtWebSockets accepts ~2 GiB by default; a peer must not be able to make us buffer that.
    socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxFrameBytes) + 1024);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxFrameBytes) + 1024);
    socket->setOutgoingFrameSize(quint64(qMin<qint64>(m_limits.maxFrameBytes, 512 * 1024)));

    connect(socket, &QWebSocket::connected, this, &MessageSocket::startHandshake);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &MessageSocket::onBinaryMessage);
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &) {
        fail(ErrorCode::MalformedMessage, QStringLiteral("text frames are not part of the protocol"));
        finish(ConnectionError::Malformed, QStringLiteral("the peer sent a text frame"));
    });
    connect(socket, &QWebSocket::bytesWritten, this, [this](qint64 bytes) {
        m_writtenBytes += bytes;
        while (!m_largeQueued.empty() && m_largeQueued.front().first <= m_writtenBytes)
            m_largeQueued.pop_front();
        Q_EMIT bytesWritten(bytes);
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        if (!m_socket)
            return;
        const bool wasOpening = m_state == State::Opening;
        QString why = m_socket->closeReason();
        if (why.isEmpty())
            why = m_socket->errorString();
        if (wasOpening)
            finish(ConnectionError::Refused,
                   QStringLiteral("could not connect to %1: %2").arg(m_socket->requestUrl().toString(), why));
        else
            finish(ConnectionError::Dropped,
                   QStringLiteral("connection dropped%1").arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
    });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(socket, &QWebSocket::errorOccurred, this,
#else
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
#endif
            [this](QAbstractSocket::SocketError) {
                if (m_socket && m_state == State::Opening)
                    finish(ConnectionError::Refused,
                           QStringLiteral("could not connect to %1: %2")
                               .arg(m_socket->requestUrl().toString(), m_socket->errorString()));
            });

    if (socket->state() == QAbstractSocket::ConnectedState)
        startHandshake();
}

void MessageSocket::startHandshake()
{
    m_state = State::Authenticating;
    m_lastHeardNs = monotonicNs();
    m_handshakeTimer.start();
    sendFrames(encode(m_handshake.hello()));
}

QString MessageSocket::peerAddress() const
{
    if (!m_socket)
        return {};
    return QStringLiteral("%1:%2").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort());
}

void MessageSocket::setKeepaliveInterval(int ms)
{
    if (ms <= 0) {
        m_keepalive.stop();
        return;
    }
    m_keepalive.setInterval(ms);
    if (m_state == State::Ready)
        m_keepalive.start();
}

void MessageSocket::setHandshakeTimeout(int ms)
{
    m_handshakeTimer.setInterval(ms);
}

void MessageSocket::setOutputSlack(qint64 bytes)
{
    m_outputSlack = bytes;
}

qint64 MessageSocket::queuedBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool MessageSocket::outputOverflows(qint64 messageBytes)
{
    const qint64 queued = m_socket->bytesToWrite();
    qint64 largest = messageBytes; // the bound: the slack beyond the largest message in the queue
    for (const auto &entry : m_largeQueued)
        largest = std::max(largest, entry.second);
    return queued + messageBytes > m_outputSlack + largest;
}

void MessageSocket::send(const Message &message)
{
    sendFrames(encode(message));
}

qint64 MessageSocket::sendEncoded(QByteArray encoded)
{
    stampBatchSendTime(encoded, monotonicNs());
    const qint64 bytes = encoded.size();
    sendFrames(encoded);
    return bytes;
}

void MessageSocket::sendFrames(const QByteArray &encoded)
{
    if (!m_socket || m_state == State::Closed)
        return;
    if (outputOverflows(encoded.size())) {
        const qint64 queued = m_socket->bytesToWrite();
        m_slowReader = true;
        fail(ErrorCode::SlowReader, QStringLiteral("the peer is not reading: %1 bytes wait to be sent, more than %2 "
                                                   "MiB beyond the largest message queued")
                                        .arg(queued)
                                        .arg(m_outputSlack / (1024 * 1024)));
        return;
    }
    for (const QByteArray &frame : splitFrames(encoded, m_limits, m_nextStreamId++))
        m_socket->sendBinaryMessage(frame);
    if (encoded.size() > m_outputSlack)
        m_largeQueued.emplace_back(m_writtenBytes + m_socket->bytesToWrite(), encoded.size());
}

void MessageSocket::ping()
{
    send(Ping{monotonicNs()});
}

void MessageSocket::fail(ErrorCode code, const QString &message)
{
    if (m_state != State::Closed && m_socket) {
        // Past the output bound too: the Error is the one message queued regardless.
        for (const QByteArray &frame : splitFrames(encode(Error{code, message}), m_limits, m_nextStreamId++))
            m_socket->sendBinaryMessage(frame);
    }
    finish(fromLocalError(code), message);
}

void MessageSocket::close(const QString &reason)
{
    if (m_state == State::Ready || m_state == State::Authenticating)
        send(Goodbye{reason});
    finish(ConnectionError::None, reason);
}

void MessageSocket::finish(ConnectionError error, const QString &rawMessage)
{
    if (m_finished)
        return;
    m_finished = true;
    const QString message = printable(rawMessage, 400); // peer text (Error, Goodbye, close reason) is logged
    m_state = State::Closed;
    m_handshakeTimer.stop();
    m_keepalive.stop();
    m_assembler.clear();
    if (error == ConnectionError::None)
        qCInfo(lcProtocol).noquote() << "connection closed:" << message;
    else
        qCWarning(lcProtocol).noquote() << "connection ended (" << connectionErrorName(error) << "):" << message;
    // A peer that does not read keeps the socket open for a linger (~MessageSocket): closing it
    // here would discard the queue, and the Error queued behind it, at once.
    if (m_socket && !m_slowReader && m_socket->state() != QAbstractSocket::UnconnectedState) {
        m_socket->flush();
        m_socket->close(error == ConnectionError::None ? QWebSocketProtocol::CloseCodeNormal
                                                       : QWebSocketProtocol::CloseCodeProtocolError,
                        message.left(100));
    }
    Q_EMIT closed(error, message);
}

void MessageSocket::onBinaryMessage(const QByteArray &frame)
{
    if (m_state == State::Closed)
        return;
    const qint64 arrivalNs = monotonicNs();
    m_lastHeardNs = arrivalNs;
    DecodeResult result = decode(frame, m_limits);
    if (!result.ok()) {
        if (result.error == DecodeError::UnsupportedVersion)
            fail(ErrorCode::IncompatibleVersion, result.detail);
        else
            fail(ErrorCode::MalformedMessage, QStringLiteral("malformed message: %1").arg(result.detail));
        return;
    }
    if (auto *fragment = std::get_if<Fragment>(&*result.message)) {
        if (!m_handshake.isAuthenticated()) {
            fail(ErrorCode::UnexpectedMessage, QStringLiteral("fragmented message before authentication"));
            return;
        }
        if (fragment->index == 0)
            m_fragmentStartNs = arrivalNs;
        FragmentAssembler::Result assembled = m_assembler.push(std::move(*fragment));
        if (!assembled.error.isEmpty()) {
            fail(ErrorCode::MalformedMessage, QStringLiteral("malformed fragments: %1").arg(assembled.error));
            return;
        }
        if (!assembled.complete)
            return;
        DecodeResult inner = decode(*assembled.complete, m_limits);
        if (!inner.ok() || std::holds_alternative<Fragment>(*inner.message)) {
            fail(ErrorCode::MalformedMessage, QStringLiteral("malformed reassembled message: %1")
                                                  .arg(inner.ok() ? QStringLiteral("nested fragment") : inner.detail));
            return;
        }
        onDecoded(std::move(*inner.message), m_fragmentStartNs, arrivalNs);
        return;
    }
    onDecoded(std::move(*result.message), arrivalNs, arrivalNs);
}

void MessageSocket::onDecoded(Message message, qint64 firstByteNs, qint64 arrivalNs)
{
    if (const auto *error = std::get_if<Error>(&message)) {
        finish(fromPeerError(error->code), error->message);
        return;
    }
    if (const auto *goodbye = std::get_if<Goodbye>(&message)) {
        finish(ConnectionError::None,
               goodbye->reason.isEmpty() ? QStringLiteral("the peer said goodbye") : goodbye->reason);
        return;
    }
    if (m_state != State::Ready) {
        const Handshake::Step step = m_handshake.onMessage(message);
        if (step.error) {
            fail(step.error->code, step.error->message);
            return;
        }
        if (step.authenticated && m_admission) {
            if (std::optional<Error> refusal = m_admission()) {
                fail(refusal->code, refusal->message);
                return;
            }
        }
        if (step.reply)
            send(*step.reply);
        if (step.authenticated) {
            m_state = State::Ready;
            m_handshakeTimer.stop();
            if (m_keepalive.interval() > 0)
                m_keepalive.start();
            Q_EMIT ready();
        }
        return;
    }
    if (const auto *ping = std::get_if<Ping>(&message)) {
        send(Pong{ping->t1, arrivalNs, monotonicNs()});
        return;
    }
    if (const auto *pong = std::get_if<Pong>(&message)) {
        Q_EMIT pongReceived(pong->t1, pong->t2, pong->t3, arrivalNs);
        return;
    }
    if (std::holds_alternative<Hello>(message) || std::holds_alternative<AuthProof>(message)) {
        fail(ErrorCode::UnexpectedMessage,
             QStringLiteral("%1 after authentication").arg(QLatin1String(typeName(typeOf(message)))));
        return;
    }
    Q_EMIT messageReceived(message, firstByteNs, arrivalNs);
}

} // namespace tandem::protocol
