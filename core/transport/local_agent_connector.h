// Starts tandem-agent on this computer (LocalAgentLauncher: 127.0.0.1, a free port, a fresh
// secret) and connects to it; the agent lives as long as this connector.
#pragma once

#include "agent_connector.h"

#include <QStringList>

namespace tandem {

class LocalAgentLauncher;

class LocalAgentConnector : public AgentConnector {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalAgentConnector)
public:
    // program empty: tandem-agent next to this executable, then $TANDEM_AGENT, then PATH.
    LocalAgentConnector(QString program, QStringList extraArguments, QObject *parent = nullptr);
    ~LocalAgentConnector() override;

    [[nodiscard]] QString agentExit(int waitMs, QString *details) override;

private:
    void begin() override;

    QString m_program;
    QStringList m_extraArguments;
    std::unique_ptr<LocalAgentLauncher> m_launcher;
};

} // namespace tandem
