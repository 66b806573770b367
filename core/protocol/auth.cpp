#include "auth.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <cmath>

namespace tandem::protocol::auth {

namespace {
QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}
} // namespace

QByteArray generateSecret()
{
    return randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray makeNonce()
{
    return randomBytes(kNonceBytes);
}

QByteArray proof(const QByteArray &secret, Role prover, const QByteArray &verifierNonce, const QByteArray &proverNonce)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(QByteArrayLiteral("tandem-auth-v1"));
    const char role = char(prover);
    mac.addData(&role, 1);
    mac.addData(verifierNonce);
    mac.addData(proverNonce);
    return mac.result();
}

bool verify(const QByteArray &secret, Role prover, const QByteArray &verifierNonce, const QByteArray &proverNonce,
            const QByteArray &receivedProof)
{
    const QByteArray expected = proof(secret, prover, verifierNonce, proverNonce);
    if (receivedProof.size() != expected.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(expected[i] ^ receivedProof[i]);
    return difference == 0;
}

double estimatedSecretBits(const QByteArray &secret)
{
    bool lower = false, upper = false, digit = false, symbol = false, other = false;
    for (const char ch : secret) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 'a' && c <= 'z')
            lower = true;
        else if (c >= 'A' && c <= 'Z')
            upper = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else if (c >= 0x20 && c < 0x7F)
            symbol = true;
        else
            other = true;
    }
    const int alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 128 : 0);
    return alphabet > 1 ? double(secret.size()) * std::log2(double(alphabet)) : 0.0;
}

QString secretStrengthError(const QByteArray &secret)
{
    const double bits = estimatedSecretBits(secret);
    if (bits >= kMinSecretBits)
        return {};
    return QStringLiteral("the secret is too weak: %1 characters rate about %2 bits, at least %3 are needed (length × "
                          "log2 of the alphabet of its character classes); use a generated one, e.g. 43 characters of "
                          "base64url (tandem-agent --generate-secret), or at least 22 random base64url characters or "
                          "32 random hex digits")
        .arg(secret.size())
        .arg(int(bits))
        .arg(int(kMinSecretBits));
}

SecretSource loadSecret(const QString &secretFile, const char *envVariable)
{
    SecretSource source;
    if (!secretFile.isEmpty()) {
        QFile file(secretFile);
        if (!file.open(QIODevice::ReadOnly)) {
            source.error = QStringLiteral("cannot read the secret file %1: %2").arg(secretFile, file.errorString());
            return source;
        }
        source.secret = file.readLine(4096).trimmed();
        if (source.secret.isEmpty())
            source.error = QStringLiteral("the secret file %1 is empty").arg(secretFile);
        else
            source.error = secretStrengthError(source.secret);
        if (!source.error.isEmpty())
            source.secret.clear();
        return source;
    }
    source.secret = qgetenv(envVariable).trimmed();
    if (source.secret.isEmpty())
        source.error = QStringLiteral("no secret: set %1 or pass --secret-file").arg(QLatin1String(envVariable));
    else
        source.error = secretStrengthError(source.secret);
    if (!source.error.isEmpty())
        source.secret.clear();
    return source;
}

} // namespace tandem::protocol::auth
