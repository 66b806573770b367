#include "auth.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

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
        return source;
    }
    source.secret = qgetenv(envVariable).trimmed();
    if (source.secret.isEmpty())
        source.error = QStringLiteral("no secret: set %1 or pass --secret-file").arg(QLatin1String(envVariable));
    return source;
}

} // namespace tandem::protocol::auth
