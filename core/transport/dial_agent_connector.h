// Dials an agent that listens at a ws:// or wss:// URL (a tunnel, an SSH forward, the LAN).
#pragma once

#include "agent_connector.h"

namespace tandem {

class DialAgentConnector : public AgentConnector {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DialAgentConnector)
public:
    DialAgentConnector(QUrl url, QByteArray secret, QObject *parent = nullptr);
    ~DialAgentConnector() override;

private:
    void begin() override;

    QUrl m_url;
    QByteArray m_secret;
};

} // namespace tandem
