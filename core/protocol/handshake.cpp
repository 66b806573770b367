#include "handshake.h"

#include "auth.h"
#include "peer_text.h"

namespace tandem::protocol {

namespace {
const char *roleName(Role role)
{
    return role == Role::Agent ? "agent" : "client";
}
const char *aRole(Role role)
{
    return role == Role::Agent ? "an agent" : "a client";
}

Handshake::Step failure(ErrorCode code, QString message)
{
    Handshake::Step step;
    step.error = Error{code, std::move(message)};
    return step;
}
} // namespace

Handshake::Handshake(Role self, QByteArray secret)
    : m_self(self), m_secret(std::move(secret)), m_nonce(auth::makeNonce())
{
}

Hello Handshake::hello() const
{
    Hello hello;
    hello.role = m_self;
    hello.nonce = m_nonce;
    hello.software =
        QStringLiteral("%1 %2").arg(m_self == Role::Agent ? QStringLiteral("tandem-agent") : QStringLiteral("tandem"),
                                    QStringLiteral(TANDEM_VERSION_STRING));
    return hello;
}

Handshake::Step Handshake::onMessage(const Message &message)
{
    const Role peer = m_self == Role::Agent ? Role::Client : Role::Agent;
    if (const auto *hello = std::get_if<Hello>(&message)) {
        if (m_helloSeen)
            return failure(ErrorCode::UnexpectedMessage, QStringLiteral("a second Hello during the handshake"));
        m_helloSeen = true;
        if (hello->role != peer)
            return failure(ErrorCode::UnexpectedMessage,
                           QStringLiteral("expected %1 on the other end, found %2")
                               .arg(QLatin1String(aRole(peer)), QLatin1String(aRole(hello->role))));
        if (hello->minVersion > kProtocolVersion || hello->maxVersion < kProtocolVersion)
            return failure(ErrorCode::IncompatibleVersion,
                           QStringLiteral("%1 speaks protocol versions %2–%3, this %4 speaks %5")
                               .arg(hello->software) // escaped where it is logged (MessageSocket::finish)
                               .arg(hello->minVersion)
                               .arg(hello->maxVersion)
                               .arg(QLatin1String(roleName(m_self)))
                               .arg(kProtocolVersion));
        m_peerNonce = hello->nonce;
        m_peerSoftware = printable(hello->software); // shown and logged: never raw peer text
        Step step;
        // The client proves first; the agent proves only to a client that proved itself. So a
        // wrong secret is reported once, by the agent, as "wrong secret", and the agent reveals
        // no proof to a peer that does not know the secret.
        if (m_self == Role::Client)
            step.reply = AuthProof{auth::proof(m_secret, m_self, m_peerNonce, m_nonce)};
        return step;
    }
    if (const auto *proof = std::get_if<AuthProof>(&message)) {
        if (!m_helloSeen)
            return failure(ErrorCode::UnexpectedMessage, QStringLiteral("AuthProof before Hello"));
        if (m_peerVerified)
            return failure(ErrorCode::UnexpectedMessage, QStringLiteral("a second AuthProof"));
        if (!auth::verify(m_secret, peer, m_nonce, m_peerNonce, proof->mac))
            return failure(ErrorCode::AuthFailed,
                           QStringLiteral("wrong secret: the %1 could not prove it knows this session's secret")
                               .arg(QLatin1String(roleName(peer))));
        m_peerVerified = true;
        Step step;
        step.authenticated = true;
        if (m_self == Role::Agent)
            step.reply = AuthProof{auth::proof(m_secret, m_self, m_peerNonce, m_nonce)};
        return step;
    }
    return failure(ErrorCode::UnexpectedMessage,
                   QStringLiteral("%1 before authentication").arg(QLatin1String(typeName(typeOf(message)))));
}

} // namespace tandem::protocol
