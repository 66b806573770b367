// Reaches one tandem-agent and hands over an authenticated, configured connection to it; one
// subclass per direction (local, dial, listen), as kdeconnect's LinkProvider hands over a DeviceLink.
#pragma once

#include "message_socket.h"
#include "session_config.h"

#include <QObject>
#include <QUrl>

#include <memory>
#include <optional>

namespace tandem {

// What a connector hands over: a Ready socket whose session is configured, and what the agent said.
struct AgentConnection {
    std::unique_ptr<protocol::MessageSocket> socket; // parentless, on the connector's thread
    protocol::SessionInfo info;
    QByteArray sessionReadyJson; // the agent's SessionReady as sent, for the run's settings
};

class AgentConnector : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentConnector)
public:
    enum class Phase { StartingAgent, WaitingForAgent, Connecting, Configuring };
    Q_ENUM(Phase)

    ~AgentConnector() override;

    // Reaches the agent, authenticates, sends the SessionConfig and waits for SessionReady. Ends in
    // exactly one of connected() or failed(), which may come before start() returns.
    void start(const QByteArray &sessionConfigJson);
    // After connected(): the connection, once. Its socket lives on this connector's thread.
    [[nodiscard]] std::optional<AgentConnection> takeConnection();
    // How the agent's process ended, for connectors that own it (the local one): waits up to waitMs
    // for it to end; empty when it is still running or this connector has no process. *details gets
    // the last lines it printed.
    [[nodiscard]] virtual QString agentExit(int waitMs, QString *details)
    {
        Q_UNUSED(waitMs)
        Q_UNUSED(details)
        return {};
    }

    // Sockets created here get this handshake timeout (tests shorten it).
    void setHandshakeTimeout(int ms) { m_handshakeTimeoutMs = ms; }

Q_SIGNALS:
    void phaseChanged(tandem::AgentConnector::Phase phase, const QString &message);
    // Only connectors the agent dials: where it should dial, once listening.
    void listening(const QUrl &url);
    void connected(const tandem::protocol::SessionInfo &info);
    // message is a sentence for a person; error says which kind of failure it was.
    void failed(tandem::protocol::ConnectionError error, const QString &message);

protected:
    explicit AgentConnector(QObject *parent = nullptr);

    // The subclass starts reaching the agent: it ends in authenticate() or fail().
    virtual void begin() = 0;
    // Takes a socket that is opening or already connected and completes handshake and configuration.
    void authenticate(std::unique_ptr<protocol::MessageSocket> socket);
    [[nodiscard]] std::unique_ptr<protocol::MessageSocket> makeSocket(const QByteArray &secret) const;
    void fail(protocol::ConnectionError error, const QString &message);
    void setPhase(Phase phase, const QString &message);
    [[nodiscard]] bool isDone() const { return m_done; }
    [[nodiscard]] bool isAuthenticating() const { return m_socket != nullptr; }

private:
    void onMessage(const protocol::Message &message);
    void dropSocket();

    QByteArray m_configJson;
    std::unique_ptr<protocol::MessageSocket> m_socket;
    std::optional<AgentConnection> m_connection;
    int m_handshakeTimeoutMs = 0;
    bool m_done = false;
};

} // namespace tandem
