#include "agent_process.h"

#include "auth.h"

#include <QElapsedTimer>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTest>

AgentProcess::AgentProcess() : m_secret(tandem::protocol::auth::generateSecret())
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

AgentProcess::AgentProcess(QByteArray secret) : m_secret(std::move(secret))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

void AgentProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

AgentProcess::~AgentProcess()
{
    if (isRunning())
        stop();
}

bool AgentProcess::launch(const QStringList &arguments, int timeoutMs)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TANDEM_SECRET"), QString::fromLatin1(m_secret));
    m_process.setProcessEnvironment(environment);
    m_process.start(QStringLiteral(TANDEM_AGENT_PATH), arguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error =
            QStringLiteral("could not start %1: %2").arg(QStringLiteral(TANDEM_AGENT_PATH), m_process.errorString());
        return false;
    }
    return true;
}

bool AgentProcess::startConnecting(const QUrl &url, const QStringList &extraArguments)
{
    return launch(QStringList{QStringLiteral("--connect"), url.toString()} + extraArguments, 30000);
}

bool AgentProcess::waitForOutput(const QString &text, int timeoutMs)
{
    // Non-blocking: the test's own server must keep running meanwhile.
    return QTest::qWaitFor([&] { return output().contains(text); }, timeoutMs);
}

bool AgentProcess::start(const QStringList &extraArguments, int timeoutMs)
{
    if (!launch(QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extraArguments, timeoutMs))
        return false;
    static const QRegularExpression listening(QStringLiteral("^tandem-agent listening on (ws://\\S+)$"),
                                              QRegularExpression::MultilineOption);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (!m_process.waitForReadyRead(250) && m_process.state() != QProcess::Running) {
            m_error = QStringLiteral("the agent exited before listening:\n%1").arg(output());
            return false;
        }
        m_log += m_process.readAll();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_log));
        if (match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            return m_url.isValid() && m_url.port() > 0;
        }
    }
    m_error = QStringLiteral("no \"listening on\" line within %1 ms:\n%2").arg(timeoutMs).arg(output());
    return false;
}

int AgentProcess::waitForExit(int timeoutMs)
{
    static_cast<void>(QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs));
    if (m_process.state() != QProcess::NotRunning)
        return -1;
    m_log += m_process.readAll();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

int AgentProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return waitForExit(0);
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(timeoutMs);
        return -1;
    }
    m_log += m_process.readAll();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString AgentProcess::output()
{
    m_log += m_process.readAll();
    return QString::fromUtf8(m_log);
}
