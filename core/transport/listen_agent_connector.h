// Listens for the agent to dial in (Colab allows outgoing connections only); the first
// connection is the run's, later ones are told the app is busy.
#pragma once

#include "agent_connector.h"

#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocketServer;
QT_END_NAMESPACE

namespace tandem {

class ListenAgentConnector : public AgentConnector {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ListenAgentConnector)
public:
    ListenAgentConnector(QString host, quint16 port, QByteArray secret, QObject *parent = nullptr);
    ~ListenAgentConnector() override;

    // ws://HOST:PORT with the port actually bound, once listening; else empty.
    [[nodiscard]] QUrl listenUrl() const;

private:
    void begin() override;
    void onNewConnection();

    QString m_host;
    quint16 m_port;
    QByteArray m_secret;
    std::unique_ptr<QWebSocketServer> m_server;
};

} // namespace tandem
