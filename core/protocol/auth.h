// Shared-secret challenge–response: each side proves it knows the secret without sending it.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace tandem::protocol::auth {

// A fresh random secret for a session, printable (base64url, 32 random bytes).
[[nodiscard]] QByteArray generateSecret();

[[nodiscard]] QByteArray makeNonce();

// HMAC-SHA256(secret, "tandem-auth-v1" | prover role | verifier's nonce | prover's nonce).
// The role is bound in so that a proof cannot be reflected back at its sender.
[[nodiscard]] QByteArray proof(const QByteArray &secret, Role prover, const QByteArray &verifierNonce,
                               const QByteArray &proverNonce);

// Constant-time comparison of the expected and received proofs.
[[nodiscard]] bool verify(const QByteArray &secret, Role prover, const QByteArray &verifierNonce,
                          const QByteArray &proverNonce, const QByteArray &receivedProof);

struct SecretSource {
    QByteArray secret;
    QString error; // non-empty when no usable secret was found
};

// The secret comes from a file (first line) or an environment variable, never from a URL.
[[nodiscard]] SecretSource loadSecret(const QString &secretFile, const char *envVariable = "TANDEM_SECRET");

} // namespace tandem::protocol::auth
