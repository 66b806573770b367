#include "agent_test_client.h"

using namespace tandem::protocol;

AgentTestClient::AgentTestClient(const QByteArray &secret, QObject *parent)
    : QObject(parent), m_socket(Role::Client, secret)
{
    connect(&m_socket, &MessageSocket::ready, this, [this] { m_ready = true; });
    connect(&m_socket, &MessageSocket::closed, this, [this](ConnectionError error, const QString &message) {
        m_closed = true;
        m_closeError = error;
        m_closeMessage = message;
    });
    connect(&m_socket, &MessageSocket::messageReceived, this, [this](const Message &message, qint64, qint64) {
        if (const auto *credit = std::get_if<Credit>(&message)) {
            m_credits += int(credit->grant);
            m_maxCredits = std::max(m_maxCredits, m_credits);
            ++m_creditMessages;
            return;
        }
        m_inbox.push_back(message);
    });
}

bool AgentTestClient::connectTo(const QUrl &url, int timeoutMs)
{
    m_socket.open(url);
    static_cast<void>(QTest::qWaitFor([this] { return m_ready || m_closed; }, timeoutMs));
    return m_ready && !m_closed;
}

std::optional<SessionInfo> AgentTestClient::startSession(const SessionConfig &config, int timeoutMs)
{
    m_socket.send(SessionConfigMessage{config.toJson()});
    const std::optional<SessionReady> ready = take<SessionReady>(timeoutMs);
    if (!ready)
        return std::nullopt;
    QString error;
    std::optional<SessionInfo> info = SessionInfo::fromJson(ready->json, &error);
    if (info) {
        m_credits = info->credits;
        m_maxCredits = m_credits;
    }
    return info;
}

bool AgentTestClient::sendBatch(const Batch &batch, int timeoutMs)
{
    static_cast<void>(QTest::qWaitFor([this] { return m_credits > 0 || m_closed; }, timeoutMs));
    if (m_credits <= 0 || m_closed)
        return false;
    --m_credits;
    m_socket.send(batch);
    return true;
}

bool AgentTestClient::waitClosed(int timeoutMs)
{
    static_cast<void>(QTest::qWaitFor([this] { return m_closed; }, timeoutMs));
    return m_closed;
}
