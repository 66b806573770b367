// The authentication state machine of one connection, free of sockets so it can be table-tested.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace tandem::protocol {

// Both sides send Hello with a fresh nonce as soon as the socket opens. The client answers the
// agent's Hello with a proof over both nonces; the agent verifies it and only then sends its own
// proof. Neither side accepts anything else until the peer's proof verified.
class Handshake {
public:
    Handshake(Role self, QByteArray secret);

    [[nodiscard]] Hello hello() const; // what to send when the socket opens

    struct Step {
        std::optional<Message> reply; // send this
        std::optional<Error> error;   // send this Error, then close
        bool authenticated = false;   // the peer proved it knows the secret
    };
    // Feed Hello and AuthProof (anything else before authentication is an error).
    [[nodiscard]] Step onMessage(const Message &message);

    [[nodiscard]] bool isAuthenticated() const { return m_peerVerified; }
    [[nodiscard]] QString peerSoftware() const { return m_peerSoftware; }

private:
    Role m_self;
    QByteArray m_secret;
    QByteArray m_nonce;
    QByteArray m_peerNonce;
    QString m_peerSoftware;
    bool m_helloSeen = false;
    bool m_peerVerified = false;
};

} // namespace tandem::protocol
