// One authenticated Tandem connection over a QWebSocket; used by both the client and the agent.
#pragma once

#include "handshake.h"
#include "fragment_assembler.h"
#include "messages.h"
#include "wire_codec.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace tandem::protocol {

// Why a connection ended or could not be made, so each side can tell people exactly what happened.
enum class ConnectionError {
    None = 0,
    Refused,             // nobody listening, DNS failure, TLS failure
    WrongSecret,         // the peer rejected our proof
    PeerUnauthenticated, // the peer could not prove it knows the secret
    IncompatibleVersion,
    Malformed,  // the peer sent bytes that are not a valid message
    Unexpected, // a valid message at the wrong time
    PeerError,  // the peer reported an error (Busy, BadConfig, Internal...)
    Timeout,    // handshake or keepalive timed out
    Dropped,    // the connection closed without a Goodbye
    SlowPeer,   // the peer did not read what we sent: our output queue passed its bound
};

[[nodiscard]] const char *connectionErrorName(ConnectionError error);

class MessageSocket : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageSocket)
public:
    enum class State { Idle, Opening, Authenticating, Ready, Closed };
    Q_ENUM(State)

    MessageSocket(Role self, QByteArray secret, Limits limits = {}, QObject *parent = nullptr);
    ~MessageSocket() override;

    // Dials a ws:// or wss:// URL with a socket of its own.
    void open(const QUrl &url);
    // Takes over a socket accepted by a QWebSocketServer (or already connected); reparents it.
    void attach(QWebSocket *socket);

    // Messages may only be sent once ready(), except that fail() and close() always work.
    void send(const Message &message);
    // An already encoded message (a Batch is encoded off the UI thread); a Batch gets its
    // sentAtNs stamped here. Returns the bytes queued.
    qint64 sendEncoded(QByteArray encoded);
    void ping();
    // Sends an Error and closes; the error is also reported locally through closed().
    void fail(ErrorCode code, const QString &message);
    // Sends Goodbye and closes cleanly.
    void close(const QString &reason);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QString peerSoftware() const { return m_handshake.peerSoftware(); }
    [[nodiscard]] QString peerAddress() const;
    [[nodiscard]] const Limits &limits() const { return m_limits; }
    void setKeepaliveInterval(int ms); // default 12 s (a drop after 3 silent intervals); 0: off
    void setHandshakeTimeout(int ms);  // default 15 s
    // Bytes that may wait in the outgoing queue beyond the largest message still in it; a peer
    // that lets the queue grow past that is failed with Error{SlowReader} (PROTOCOL.md §1).
    void setOutputSlack(qint64 bytes);
    [[nodiscard]] qint64 outputSlack() const { return m_outputSlack; }
    [[nodiscard]] qint64 queuedBytes() const;
    // Asked once the peer's proof verified and before this side answers with its own proof: an
    // Error here is sent instead of the proof (the agent's Busy), so a refused peer never looks
    // accepted.
    void setAdmission(std::function<std::optional<Error>()> admission) { m_admission = std::move(admission); }

Q_SIGNALS:
    void ready();
    // Any message after authentication except Ping/Pong/Fragment/Goodbye/Error, which are handled
    // here. firstByteNs/arrivalNs: local monotonic clock when the first and the last frame arrived.
    void messageReceived(const tandem::protocol::Message &message, qint64 firstByteNs, qint64 arrivalNs);
    void pongReceived(qint64 t1, qint64 t2, qint64 t3, qint64 t4);
    void bytesWritten(qint64 bytes);
    // Emitted once when the connection is over: error None means a clean Goodbye from either side.
    void closed(tandem::protocol::ConnectionError error, const QString &message);

private:
    void startHandshake();
    void onBinaryMessage(const QByteArray &frame);
    void onDecoded(Message message, qint64 firstByteNs, qint64 arrivalNs);
    void sendFrames(const QByteArray &encoded);
    void finish(ConnectionError error, const QString &rawMessage);
    [[nodiscard]] bool outputOverflows(qint64 messageBytes);

    Role m_self;
    Limits m_limits;
    Handshake m_handshake;
    FragmentAssembler m_assembler;
    QPointer<QWebSocket> m_socket;
    State m_state = State::Idle;
    QTimer m_handshakeTimer;
    QTimer m_keepalive;
    quint32 m_nextStreamId = 1;
    qint64 m_fragmentStartNs = 0;
    qint64 m_lastHeardNs = 0;
    bool m_finished = false;
    bool m_slowReader = false;
    std::function<std::optional<Error>()> m_admission;
    qint64 m_outputSlack;
    qint64 m_writtenBytes = 0; // reported by the socket's bytesWritten
    // Messages larger than the slack still (partly) in the outgoing queue: (end position in
    // written-bytes coordinates, size). Smaller ones are covered by the slack itself.
    std::deque<std::pair<qint64, qint64>> m_largeQueued;
};

} // namespace tandem::protocol
