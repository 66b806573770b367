// Connect mode: the agent dials the app (Colab allows outgoing connections only), and after a
// session ends or the connection drops dials again with backoff (1, 2, 4 … 30 s).
#pragma once

#include "agent_session.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace tandem::agent {

class AgentDialer : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentDialer)
public:
    AgentDialer(AgentSession::Settings settings, QUrl url, bool once, QObject *parent = nullptr);
    ~AgentDialer() override;

    void start();
    void shutdown(const QString &reason);

Q_SIGNALS:
    // With --once, after the first connection ended: 0 when a session took place.
    void finished(int exitCode);

private:
    void dial();
    void onEnded(bool hadSession, protocol::ConnectionError error, const QString &message);

    AgentSession::Settings m_settings;
    QUrl m_url;
    bool m_once;
    bool m_stopping = false;
    int m_backoffSeconds = 1;
    QTimer m_retry;
    QPointer<AgentSession> m_session;
};

} // namespace tandem::agent
