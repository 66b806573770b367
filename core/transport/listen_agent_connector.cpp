#include "listen_agent_connector.h"

#include "auth.h"

#include <QWebSocket>
#include <QWebSocketServer>

namespace tandem {

ListenAgentConnector::ListenAgentConnector(QString host, quint16 port, QByteArray secret, QObject *parent)
    : AgentConnector(parent), m_host(std::move(host)), m_port(port), m_secret(std::move(secret))
{
}

ListenAgentConnector::~ListenAgentConnector() = default;

QUrl ListenAgentConnector::listenUrl() const
{
    if (!m_server || !m_server->isListening())
        return {};
    return m_server->serverUrl();
}

void ListenAgentConnector::begin()
{
    if (m_secret.isEmpty()) {
        fail(protocol::ConnectionError::WrongSecret, tr("A secret is needed before an agent can dial in."));
        return;
    }
    if (const QString weak = protocol::auth::secretStrengthError(m_secret); !weak.isEmpty()) {
        fail(protocol::ConnectionError::WrongSecret, weak); // the agent refuses such a secret too
        return;
    }
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("tandem"), QWebSocketServer::NonSecureMode);
    if (!m_server->listen(QHostAddress(m_host), m_port)) {
        fail(protocol::ConnectionError::Refused,
             tr("Cannot listen on %1:%2: %3").arg(m_host).arg(m_port).arg(m_server->errorString()));
        return;
    }
    connect(m_server.get(), &QWebSocketServer::newConnection, this, &ListenAgentConnector::onNewConnection);
    const QUrl url = listenUrl();
    Q_EMIT listening(url);
    setPhase(Phase::WaitingForAgent, tr("Waiting for the agent to dial %1").arg(url.toString()));
}

void ListenAgentConnector::onNewConnection()
{
    while (QWebSocket *incoming = m_server->nextPendingConnection()) {
        if (isAuthenticating() || isDone()) { // one agent per run
            incoming->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("busy"));
            incoming->deleteLater();
            continue;
        }
        setPhase(Phase::Connecting, tr("The agent dialled in from %1:%2; authenticating…")
                                        .arg(incoming->peerAddress().toString())
                                        .arg(incoming->peerPort()));
        std::unique_ptr<protocol::MessageSocket> socket = makeSocket(m_secret);
        protocol::MessageSocket *raw = socket.get();
        authenticate(std::move(socket));
        raw->attach(incoming);
    }
}

} // namespace tandem
