#include "agent_server.h"

#include "agent_log.h"

#include <QHostAddress>
#include <QWebSocket>

namespace tandem::agent {

namespace {
// Connections (mostly still authenticating) held at once; more are turned away at the door.
constexpr int kMaxConnections = 16;
} // namespace

AgentServer::AgentServer(AgentSession::Settings settings, bool once, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_once(once),
      m_server(QStringLiteral("tandem-agent"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &AgentServer::onNewConnection);
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

void AgentServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        if (m_connections >= kMaxConnections) {
            qCWarning(lcAgent).noquote() << "turning away" << socket->peerAddress().toString()
                                         << ": too many connections";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_connections;
        auto *session = new AgentSession(m_settings, this);
        connect(session, &AgentSession::authenticated, this, [this, session] {
            if (m_active && m_active != session) {
                printLine(QStringLiteral("refusing %1: busy with %2").arg(session->peer(), m_active->peer()));
                session->refuse(protocol::ErrorCode::Busy,
                                QStringLiteral("agent is training for %1").arg(m_active->peer()));
                return;
            }
            m_active = session;
        });
        connect(session, &AgentSession::ended, this, [this, session] {
            --m_connections;
            const bool wasActive = m_active == session;
            if (wasActive)
                m_active = nullptr;
            session->deleteLater();
            if (wasActive && m_once)
                Q_EMIT finished();
        });
        session->attach(socket);
    }
}

} // namespace tandem::agent
