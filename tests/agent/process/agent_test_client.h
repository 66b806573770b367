// Test support: a client MessageSocket that keeps what the agent sends in an inbox and follows
// the agent's credits.
#pragma once

#include "message_socket.h"
#include "messages.h"
#include "session_config.h"

#include <QObject>
#include <QTest>
#include <QUrl>

#include <deque>
#include <optional>
#include <vector>

class AgentTestClient : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentTestClient)
public:
    explicit AgentTestClient(const QByteArray &secret, QObject *parent = nullptr);

    // Dials and waits until authenticated (false: closed or timed out; see closeError()).
    [[nodiscard]] bool connectTo(const QUrl &url, int timeoutMs = 15000);
    // Sends the config and waits for SessionReady.
    [[nodiscard]] std::optional<tandem::protocol::SessionInfo>
    startSession(const tandem::protocol::SessionConfig &config, int timeoutMs = 60000);
    // Waits for a credit, then sends (false: no credit came or the connection closed).
    [[nodiscard]] bool sendBatch(const tandem::protocol::Batch &batch, int timeoutMs = 60000);
    void send(const tandem::protocol::Message &message) { m_socket.send(message); }
    void close() { m_socket.close(QStringLiteral("test done")); }

    // Removes and returns the first message of type T in the inbox, waiting for one.
    template <typename T> [[nodiscard]] std::optional<T> take(int timeoutMs = 60000)
    {
        std::optional<T> found;
        static_cast<void>(QTest::qWaitFor(
            [&] {
                for (auto it = m_inbox.begin(); it != m_inbox.end(); ++it) {
                    if (auto *message = std::get_if<T>(&*it)) {
                        found = std::move(*message);
                        m_inbox.erase(it);
                        return true;
                    }
                }
                return m_closed;
            },
            timeoutMs));
        return found;
    }

    [[nodiscard]] bool waitClosed(int timeoutMs = 15000);
    [[nodiscard]] bool isReady() const { return m_ready; }
    [[nodiscard]] bool isClosed() const { return m_closed; }
    [[nodiscard]] tandem::protocol::ConnectionError closeError() const { return m_closeError; }
    [[nodiscard]] QString closeMessage() const { return m_closeMessage; }
    [[nodiscard]] int credits() const { return m_credits; }
    [[nodiscard]] int creditMessages() const { return m_creditMessages; }
    [[nodiscard]] int maxCredits() const { return m_maxCredits; }
    [[nodiscard]] tandem::protocol::MessageSocket &socket() { return m_socket; }

private:
    tandem::protocol::MessageSocket m_socket;
    std::deque<tandem::protocol::Message> m_inbox;
    bool m_ready = false;
    bool m_closed = false;
    tandem::protocol::ConnectionError m_closeError = tandem::protocol::ConnectionError::None;
    QString m_closeMessage;
    int m_credits = 0;
    int m_maxCredits = 0;
    int m_creditMessages = 0;
};
