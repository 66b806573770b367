#include "agent_connector.h"

#include "connection_error_text.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcTransport, "tandem.transport")

namespace tandem {

AgentConnector::AgentConnector(QObject *parent) : QObject(parent) {}

AgentConnector::~AgentConnector() = default;

void AgentConnector::start(const QByteArray &sessionConfigJson)
{
    m_configJson = sessionConfigJson;
    begin();
}

std::optional<AgentConnection> AgentConnector::takeConnection()
{
    std::optional<AgentConnection> out = std::move(m_connection);
    m_connection.reset();
    return out;
}

std::unique_ptr<protocol::MessageSocket> AgentConnector::makeSocket(const QByteArray &secret) const
{
    auto socket = std::make_unique<protocol::MessageSocket>(protocol::Role::Client, secret);
    if (m_handshakeTimeoutMs > 0)
        socket->setHandshakeTimeout(m_handshakeTimeoutMs);
    return socket;
}

void AgentConnector::setPhase(Phase phase, const QString &message)
{
    qCInfo(lcTransport).noquote() << message;
    Q_EMIT phaseChanged(phase, message);
}

void AgentConnector::authenticate(std::unique_ptr<protocol::MessageSocket> socket)
{
    m_socket = std::move(socket);
    protocol::MessageSocket *s = m_socket.get();
    connect(s, &protocol::MessageSocket::ready, this, [this] {
        setPhase(Phase::Configuring,
                 QStringLiteral("Connected to %1; configuring the session…").arg(m_socket->peerSoftware()));
        m_socket->send(protocol::SessionConfigMessage{m_configJson});
    });
    connect(s, &protocol::MessageSocket::messageReceived, this,
            [this](const protocol::Message &message, qint64, qint64) { onMessage(message); });
    connect(s, &protocol::MessageSocket::closed, this, [this](protocol::ConnectionError error, const QString &message) {
        if (error == protocol::ConnectionError::None)
            fail(error, QStringLiteral("The agent ended the session before it started: %1").arg(message));
        else
            fail(error, describeConnectionError(error, message));
    });
}

void AgentConnector::onMessage(const protocol::Message &message)
{
    const auto *ready = std::get_if<protocol::SessionReady>(&message);
    if (!ready) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage,
                       QStringLiteral("the client expects SessionReady, not %1")
                           .arg(QLatin1String(protocol::typeName(protocol::typeOf(message)))));
        return;
    }
    QString error;
    const std::optional<protocol::SessionInfo> info = protocol::SessionInfo::fromJson(ready->json, &error);
    if (!info) {
        m_socket->fail(protocol::ErrorCode::MalformedMessage, error);
        return;
    }
    m_socket->disconnect(this);
    m_done = true;
    m_connection = AgentConnection{std::move(m_socket), *info, ready->json};
    // Receivers on this thread take the connection inside this call, before the socket can
    // deliver its next message.
    Q_EMIT connected(*info);
}

void AgentConnector::fail(protocol::ConnectionError error, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    qCWarning(lcTransport).noquote() << message;
    dropSocket();
    Q_EMIT failed(error, message);
}

void AgentConnector::dropSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    // This may run inside one of the socket's own signals: let the event loop delete it.
    m_socket.release()->deleteLater();
}

} // namespace tandem
