#include "local_agent_connector.h"

#include "local_agent_launcher.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

namespace tandem {

LocalAgentConnector::LocalAgentConnector(QString program, QStringList extraArguments, QObject *parent)
    : AgentConnector(parent), m_program(std::move(program)), m_extraArguments(std::move(extraArguments))
{
}

LocalAgentConnector::~LocalAgentConnector()
{
    if (m_launcher) {
        m_launcher->disconnect(this);
        m_launcher->stop();
    }
}

void LocalAgentConnector::begin()
{
    setPhase(Phase::StartingAgent, tr("Starting the local agent…"));
    m_launcher = std::make_unique<LocalAgentLauncher>();
    connect(m_launcher.get(), &LocalAgentLauncher::started, this, [this](const QUrl &url, const QByteArray &secret) {
        setPhase(Phase::Connecting, tr("Connecting to %1…").arg(url.toString()));
        std::unique_ptr<protocol::MessageSocket> socket = makeSocket(secret);
        protocol::MessageSocket *raw = socket.get();
        authenticate(std::move(socket));
        raw->open(url);
    });
    connect(m_launcher.get(), &LocalAgentLauncher::failed, this, [this](const QString &message) {
        // After the handover a dying agent shows up as a dropped socket on the link.
        if (!isDone())
            fail(protocol::ConnectionError::Refused, tr("The local agent could not be started: %1").arg(message));
    });
    connect(m_launcher.get(), &LocalAgentLauncher::agentOutput, this,
            [](const QString &line) { qCInfo(lcTransport).noquote() << "agent:" << line; });
    m_launcher->start(m_program, m_extraArguments);
}

QString LocalAgentConnector::agentExit(int waitMs, QString *details)
{
    if (!m_launcher)
        return {};
    const QString exit = m_launcher->waitForExit(waitMs);
    if (!exit.isEmpty() && details)
        *details = m_launcher->recentOutput();
    return exit;
}

} // namespace tandem
