// Listen mode: accepts WebSocket connections, one training session at a time; a second
// authenticated client while a session is active is told Busy (instead of the agent's proof).
// Strangers cannot lock the owner out: connections still authenticating have their own small
// budget per source address (the oldest is dropped with Busy when a new one comes) and a short
// deadline, and a source address that keeps failing proofs is refused for a growing while.
#pragma once

#include "agent_session.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QElapsedTimer>
#include <QWebSocketServer>

#include <deque>
#include <map>

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
    void admit(QWebSocket *socket);
    void forget(AgentSession *session); // from m_pending, with any already deleted
    // Empty, or why this address is refused for now (after repeated failed proofs).
    [[nodiscard]] QString lockedOut(const QString &host);
    void recordFailedProof(const QString &host);

    struct Failures {
        int count = 0;            // failed proofs in a row from this address
        qint64 lastMs = 0;        // when the last one happened (m_clock)
        qint64 lockedUntilMs = 0; // refused until then
    };

    AgentSession::Settings m_settings;
    bool m_once;
    QWebSocketServer m_server;
    QPointer<AgentSession> m_active;              // the authenticated session that owns the trainer
    std::deque<QPointer<AgentSession>> m_pending; // still authenticating, oldest first
    std::map<QString, Failures> m_failures;       // by source address
    QElapsedTimer m_clock;
};

} // namespace tandem::agent
