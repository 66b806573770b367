#include "dial_agent_connector.h"

#include "auth.h"

namespace tandem {

DialAgentConnector::DialAgentConnector(QUrl url, QByteArray secret, QObject *parent)
    : AgentConnector(parent), m_url(std::move(url)), m_secret(std::move(secret))
{
}

DialAgentConnector::~DialAgentConnector() = default;

void DialAgentConnector::begin()
{
    if (m_secret.isEmpty()) {
        fail(protocol::ConnectionError::WrongSecret, tr("A secret is needed to connect to a remote agent."));
        return;
    }
    if (const QString weak = protocol::auth::secretStrengthError(m_secret); !weak.isEmpty()) {
        fail(protocol::ConnectionError::WrongSecret, weak); // the agent refuses such a secret too
        return;
    }
    if (!m_url.isValid() || (m_url.scheme() != QLatin1String("ws") && m_url.scheme() != QLatin1String("wss"))) {
        fail(protocol::ConnectionError::Refused,
             tr("Could not reach the agent: %1 is not a ws:// or wss:// URL.").arg(m_url.toString()));
        return;
    }
    setPhase(Phase::Connecting, tr("Connecting to %1…").arg(m_url.toString()));
    std::unique_ptr<protocol::MessageSocket> socket = makeSocket(m_secret);
    protocol::MessageSocket *raw = socket.get();
    authenticate(std::move(socket));
    raw->open(m_url);
}

} // namespace tandem
