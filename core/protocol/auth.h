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

// The least estimated strength a secret must have (issue 12: "shorter than 128 bits of entropy
// are refused").
inline constexpr double kMinSecretBits = 128.0;

// A simple, documented upper estimate of a secret's strength (PROTOCOL.md §5): length × log2 of
// the alphabet made of the character classes it uses (lower case 26, upper case 26, digits 10,
// other printable ASCII 33, anything else 128 more). It cannot see patterns, so it only keeps
// out what is surely too weak: a generated secret (43 characters of base64url) rates about
// 250 bits; 22 random base64url characters rate 131 (truly 132); 32 random hex digits rate 165
// (truly 128); "correct-horse-battery" rates 123 and is refused.
[[nodiscard]] double estimatedSecretBits(const QByteArray &secret);

// Empty when the secret is strong enough; else a message that names the rule.
[[nodiscard]] QString secretStrengthError(const QByteArray &secret);

struct SecretSource {
    QByteArray secret;
    QString error; // non-empty when no usable secret was found
};

// The secret comes from a file (first line) or an environment variable, never from a URL; a
// secret that fails secretStrengthError() is refused with that message.
[[nodiscard]] SecretSource loadSecret(const QString &secretFile, const char *envVariable = "TANDEM_SECRET");

} // namespace tandem::protocol::auth
