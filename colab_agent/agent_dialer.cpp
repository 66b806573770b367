#include "agent_dialer.h"

#include "agent_log.h"

namespace tandem::agent {

namespace {
constexpr int kFirstBackoffSeconds = 1;
constexpr int kMaxBackoffSeconds = 30;
} // namespace

AgentDialer::AgentDialer(AgentSession::Settings settings, QUrl url, bool once, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_url(std::move(url)), m_once(once)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &AgentDialer::dial);
}

AgentDialer::~AgentDialer() = default;

void AgentDialer::start()
{
    dial();
}

void AgentDialer::shutdown(const QString &reason)
{
    m_stopping = true;
    m_retry.stop();
    if (m_session)
        m_session->close(reason);
}

void AgentDialer::dial()
{
    if (m_stopping)
        return;
    auto *session = new AgentSession(m_settings, this);
    m_session = session;
    connect(session, &AgentSession::authenticated, this, [this] {
        m_backoffSeconds = kFirstBackoffSeconds;
        printLine(QStringLiteral("tandem-agent connected to %1").arg(m_url.toString()));
    });
    connect(session, &AgentSession::ended, this,
            [this, session](protocol::ConnectionError error, const QString &message) {
                const bool hadSession = session->isAuthenticated();
                session->deleteLater();
                onEnded(hadSession, error, message);
            });
    qCInfo(lcAgent).noquote() << "dialling" << m_url.toString();
    session->open(m_url);
}

void AgentDialer::onEnded(bool hadSession, protocol::ConnectionError error, const QString &message)
{
    if (m_stopping)
        return;
    if (m_once) {
        if (!hadSession)
            printLine(QStringLiteral("tandem-agent could not connect to %1: %2").arg(m_url.toString(), message));
        Q_EMIT finished(hadSession && error == protocol::ConnectionError::None ? 0 : 1);
        return;
    }
    if (hadSession)
        m_backoffSeconds = kFirstBackoffSeconds;
    const QString why = hadSession ? QStringLiteral("connection to %1 ended").arg(m_url.toString())
                                   : QStringLiteral("could not connect to %1").arg(m_url.toString());
    printLine(QStringLiteral("tandem-agent %1 (%2: %3); reconnecting in %4 s")
                  .arg(why, QLatin1String(protocol::connectionErrorName(error)), message)
                  .arg(m_backoffSeconds));
    m_retry.start(m_backoffSeconds * 1000);
    if (!hadSession)
        m_backoffSeconds = std::min(m_backoffSeconds * 2, kMaxBackoffSeconds);
}

} // namespace tandem::agent
