// Listen mode: accepts WebSocket connections, one training session at a time; a second
// authenticated client while a session is active is told Busy.
#pragma once

#include "agent_session.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QWebSocketServer>

namespace tandem::agent {

class AgentServer : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentServer)
public:
    AgentServer(AgentSession::Settings settings, bool once, QObject *parent = nullptr);
    ~AgentServer() override;

    // Empty on success, else why listening failed.
    [[nodiscard]] QString listen(const QString &host, quint16 port);
    // ws://HOST:PORT with the port actually bound.
    [[nodiscard]] QString url() const;
    // Says Goodbye to every connection and stops accepting new ones.
    void shutdown(const QString &reason);

Q_SIGNALS:
    // With --once: the first authenticated session has ended.
    void finished();

private:
    void onNewConnection();

    AgentSession::Settings m_settings;
    bool m_once;
    QWebSocketServer m_server;
    QPointer<AgentSession> m_active; // the authenticated session that owns the trainer
    int m_connections = 0;
};

} // namespace tandem::agent
