#include "agent_server.h"

#include "agent_log.h"

#include <QHostAddress>
#include <QWebSocket>

#include <algorithm>

namespace tandem::agent {

namespace {
// Connections still authenticating, per source address and in all. A new connection beyond
// either budget drops the oldest one still authenticating (with Busy) rather than being turned
// away itself, so that idle strangers cannot keep the owner out: an honest handshake takes one
// round trip.
constexpr int kMaxPendingPerAddress = 4;
constexpr int kMaxPending = 64;
// The agent's deadline for a peer to authenticate (the client's own stays 15 s).
constexpr int kHandshakeDeadlineMs = 5000;
// Failed proofs from one address before it is refused for a while; the while doubles with each
// further failure, from 1 s up to 60 s. Forgotten after 10 minutes without a failure, and on a
// successful authentication from that address.
constexpr int kFreeFailedProofs = 5;
constexpr qint64 kFirstLockMs = 1000;
constexpr qint64 kMaxLockMs = 60'000;
constexpr qint64 kForgetFailuresMs = 600'000;
} // namespace

AgentServer::AgentServer(AgentSession::Settings settings, bool once, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_once(once),
      m_server(QStringLiteral("tandem-agent"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &AgentServer::onNewConnection);
    m_clock.start();
}

AgentServer::~AgentServer()
{
    // Sessions first, while this object is whole and without their ended() reaching it: destroying
    // m_server drops their connections, and the handlers would run on members already destroyed.
    for (AgentSession *session : findChildren<AgentSession *>(QString(), Qt::FindDirectChildrenOnly)) {
        session->disconnect(this);
        delete session;
    }
}

QString AgentServer::listen(const QString &host, quint16 port)
{
    QHostAddress address;
    if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return QStringLiteral("\"%1\" is not an IP address to listen on").arg(host);
    if (!m_server.listen(address, port))
        return QStringLiteral("cannot listen on %1:%2: %3").arg(host).arg(port).arg(m_server.errorString());
    return {};
}

QString AgentServer::url() const
{
    const QHostAddress address = m_server.serverAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("ws://%1:%2").arg(host).arg(m_server.serverPort());
}

void AgentServer::shutdown(const QString &reason)
{
    m_server.close();
    for (AgentSession *session : findChildren<AgentSession *>(QString(), Qt::FindDirectChildrenOnly))
        session->close(reason);
}

QString AgentServer::lockedOut(const QString &host)
{
    const auto it = m_failures.find(host);
    if (it == m_failures.end())
        return {};
    const qint64 now = m_clock.elapsed();
    if (now - it->second.lastMs > kForgetFailuresMs) {
        m_failures.erase(it);
        return {};
    }
    if (now >= it->second.lockedUntilMs)
        return {};
    const qint64 waitS = (it->second.lockedUntilMs - now + 999) / 1000;
    return QStringLiteral("too many failed proofs from %1 (%2 in a row): retry after %3 s")
        .arg(host)
        .arg(it->second.count)
        .arg(waitS);
}

void AgentServer::recordFailedProof(const QString &host)
{
    Failures &f = m_failures[host];
    const qint64 now = m_clock.elapsed();
    if (now - f.lastMs > kForgetFailuresMs)
        f = Failures{};
    ++f.count;
    f.lastMs = now;
    if (f.count >= kFreeFailedProofs) {
        const int doublings = std::min(f.count - kFreeFailedProofs, 16);
        f.lockedUntilMs = now + std::min(kFirstLockMs << doublings, kMaxLockMs);
    }
}

void AgentServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection())
        admit(socket);
}

void AgentServer::forget(AgentSession *session)
{
    m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                                   [session](const QPointer<AgentSession> &p) { return p.isNull() || p == session; }),
                    m_pending.end());
}

void AgentServer::admit(QWebSocket *socket)
{
    auto *session = new AgentSession(m_settings, this);
    session->setHandshakeTimeout(kHandshakeDeadlineMs);
    connect(session, &AgentSession::authenticated, this, [this, session] {
        forget(session);
        m_failures.erase(session->peerHost());
        m_active = session;
    });
    // Runs when the client's proof verified, before the agent's proof goes out.
    session->setAdmission([this, session]() -> std::optional<protocol::Error> {
        if (m_active && m_active != session) {
            printLine(QStringLiteral("refusing %1: busy with %2").arg(session->peer(), m_active->peer()));
            return protocol::Error{protocol::ErrorCode::Busy,
                                   QStringLiteral("agent is training for %1").arg(m_active->peer())};
        }
        return std::nullopt;
    });
    connect(session, &AgentSession::ended, this, [this, session](protocol::ConnectionError error, const QString &) {
        forget(session);
        if (error == protocol::ConnectionError::PeerUnauthenticated)
            recordFailedProof(session->peerHost());
        const bool wasActive = m_active == session;
        if (wasActive)
            m_active = nullptr;
        session->deleteLater();
        if (wasActive && m_once)
            Q_EMIT finished();
    });
    session->attach(socket);

    const QString host = session->peerHost();
    if (const QString locked = lockedOut(host); !locked.isEmpty()) {
        qCWarning(lcAgent).noquote() << "refusing" << session->peer() << ":" << locked;
        session->refuse(protocol::ErrorCode::Busy, locked);
        return;
    }
    // Budgets for connections still authenticating: drop the oldest from this address, or the
    // oldest of all, to make room.
    forget(nullptr);
    const auto fromHost = [&host](const QPointer<AgentSession> &p) { return p->peerHost() == host; };
    AgentSession *evict = nullptr;
    if (std::count_if(m_pending.begin(), m_pending.end(), fromHost) >= kMaxPendingPerAddress)
        evict = *std::find_if(m_pending.begin(), m_pending.end(), fromHost);
    else if (int(m_pending.size()) >= kMaxPending)
        evict = m_pending.front();
    m_pending.emplace_back(session);
    if (evict) {
        qCWarning(lcAgent).noquote() << "dropping" << evict->peer()
                                     << ": too many connections still authenticating from" << evict->peerHost();
        evict->refuse(protocol::ErrorCode::Busy,
                      QStringLiteral("too many connections from %1 are still authenticating; the oldest is dropped")
                          .arg(evict->peerHost()));
    }
}

} // namespace tandem::agent
