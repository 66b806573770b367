// Test support: a bare QWebSocket speaking the protocol by hand (a client written against
// PROTOCOL.md), to send what MessageSocket never would.
#pragma once

#include "auth.h"
#include "messages.h"
#include "wire_codec.h"

#include <QTest>
#include <QWebSocket>

#include <optional>
#include <vector>

namespace raw_client {
using namespace tandem::protocol; // NOLINT: test support, scoped to this namespace

// A bare QWebSocket speaking the protocol by hand, to send what MessageSocket never would.
class RawClient {
public:
    explicit RawClient(const QUrl &url, QString software = QStringLiteral("tst_agent_auth raw client"))
        : m_software(std::move(software))
    {
        QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived, &m_socket,
                         [this](const QByteArray &frame) { m_received.push_back(frame); });
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket, [this] { m_everConnected = true; });
        m_socket.open(url);
    }

    bool waitConnected()
    {
        // Also true for a connection the agent accepted and closed at once (a refusal).
        return QTest::qWaitFor([this] { return m_everConnected; }, 10000);
    }

    // The next decodable message from the agent (nullopt on timeout).
    std::optional<Message> next(int timeoutMs = 15000)
    {
        if (!QTest::qWaitFor([this] { return !m_received.empty(); }, timeoutMs))
            return std::nullopt;
        const QByteArray frame = m_received.front();
        m_received.erase(m_received.begin());
        return decode(frame).message;
    }

    // Waits for a message of type T, skipping others (the agent's Hello, say).
    template <typename T> std::optional<T> nextOf(int timeoutMs = 15000)
    {
        while (auto message = next(timeoutMs)) {
            if (auto *found = std::get_if<T>(&*message))
                return *found;
        }
        return std::nullopt;
    }

    // Sends the client's Hello and a proof with this secret, once the agent's Hello came; returns
    // the agent's Hello (nullopt if none came).
    std::optional<Hello> sendHelloAndProof(const QByteArray &secret)
    {
        const std::optional<Hello> agentHello = nextOf<Hello>();
        if (!agentHello)
            return std::nullopt;
        Hello hello;
        hello.role = Role::Client;
        hello.nonce = auth::makeNonce();
        hello.software = m_software;
        sendBinary(encode(hello));
        sendBinary(encode(AuthProof{auth::proof(secret, Role::Client, agentHello->nonce, hello.nonce)}));
        return agentHello;
    }

    // Completes the handshake as a client: answers the agent's Hello and waits for its proof.
    bool authenticate(const QByteArray &secret)
    {
        const std::optional<Hello> agentHello = nextOf<Hello>();
        if (!agentHello)
            return false;
        Hello hello;
        hello.role = Role::Client;
        hello.nonce = auth::makeNonce();
        hello.software = m_software;
        sendBinary(encode(hello));
        sendBinary(encode(AuthProof{auth::proof(secret, Role::Client, agentHello->nonce, hello.nonce)}));
        return nextOf<AuthProof>().has_value();
    }

    // Queued only: what is queued leaves together, at the next flush or event loop turn.
    void queueBinary(const QByteArray &bytes) { m_socket.sendBinaryMessage(bytes); }
    void flush() { m_socket.flush(); }

    void sendBinary(const QByteArray &bytes)
    {
        m_socket.sendBinaryMessage(bytes);
        m_socket.flush();
    }
    void abort() { m_socket.abort(); }
    [[nodiscard]] bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool waitDisconnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, 15000);
    }

private:
    QString m_software;
    bool m_everConnected = false;
    QWebSocket m_socket;
    std::vector<QByteArray> m_received;
};

} // namespace raw_client

using raw_client::RawClient;
