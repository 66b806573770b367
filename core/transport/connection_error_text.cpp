#include "connection_error_text.h"

namespace tandem {

QString describeConnectionError(protocol::ConnectionError error, const QString &detail)
{
    using protocol::ConnectionError;
    switch (error) {
    case ConnectionError::WrongSecret:
        return QStringLiteral("The agent refused the secret: check that both sides use the same one. (%1)").arg(detail);
    case ConnectionError::PeerUnauthenticated:
        return QStringLiteral("The agent could not prove it knows the secret; it may not be your agent. (%1)")
            .arg(detail);
    case ConnectionError::IncompatibleVersion:
        return QStringLiteral("The agent speaks another protocol version: update it from this app's agent bundle. (%1)")
            .arg(detail);
    case ConnectionError::Refused: return QStringLiteral("Could not reach the agent: %1").arg(detail);
    case ConnectionError::Dropped: return QStringLiteral("The connection to the agent dropped: %1").arg(detail);
    case ConnectionError::Timeout: return QStringLiteral("The agent stopped answering: %1").arg(detail);
    case ConnectionError::SlowPeer:
        return QStringLiteral("The agent stopped reading what this computer sends; the link may have stalled. (%1)")
            .arg(detail);
    case ConnectionError::Malformed:
    case ConnectionError::Unexpected: return QStringLiteral("Protocol error: %1").arg(detail);
    case ConnectionError::PeerError: return QStringLiteral("The agent reported an error: %1").arg(detail);
    case ConnectionError::None: break;
    }
    return detail;
}

} // namespace tandem
