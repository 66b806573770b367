#include "local_agent_launcher.h"

#include "auth.h"
#include "common/thread_priority.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <cstring>

Q_LOGGING_CATEGORY(lcLauncher, "tandem.transport")

namespace tandem {

namespace {
constexpr int kStopGraceMs = 3000;
const QByteArray kListeningPrefix = QByteArrayLiteral("tandem-agent listening on ");
} // namespace

LocalAgentLauncher::LocalAgentLauncher(QObject *parent) : QObject(parent) {}

LocalAgentLauncher::~LocalAgentLauncher()
{
    stop();
}

QString LocalAgentLauncher::findAgent(const QString &preferred)
{
    QStringList candidates;
    if (!preferred.isEmpty())
        candidates << preferred;
    const QString appDir = QCoreApplication::applicationDirPath();
    // Installed side by side, or the build tree (app/ and colab_agent/ are siblings).
    candidates << appDir + QStringLiteral("/tandem-agent") << appDir + QStringLiteral("/../colab_agent/tandem-agent")
               << appDir + QStringLiteral("/../../colab_agent/tandem-agent");
    const QString fromEnv = qEnvironmentVariable("TANDEM_AGENT");
    if (!fromEnv.isEmpty())
        candidates.prepend(fromEnv);
    for (const QString &candidate : candidates) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("tandem-agent"));
}

bool LocalAgentLauncher::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void LocalAgentLauncher::start(const QString &program, const QStringList &extraArguments)
{
    stop();
    const QString agent = findAgent(program);
    if (agent.isEmpty()) {
        Q_EMIT failed(QStringLiteral("tandem-agent was not found next to this program, in $TANDEM_AGENT or on PATH"));
        return;
    }
    m_stopping = false;
    m_output.clear();
    m_lineBuffer.clear();
    m_url.clear();
    m_secret = protocol::auth::generateSecret();
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TANDEM_SECRET"), QString::fromLatin1(m_secret)); // never on the command line
    // The local agent shares this computer's cores with the preprocessing threads: OpenMP threads
    // that spin while waiting would starve them (and be starved), so they sleep instead.
    if (!env.contains(QStringLiteral("OMP_WAIT_POLICY")))
        env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
    m_process->setProcessEnvironment(env);
    // The local agent trains on this computer's cores: it runs nicer than the GUI thread, as the
    // preprocessing does (common/thread_priority.h), set before exec so that every thread of it
    // inherits the value.
    const int nice = priority::workerNice(); // read here: the child may only make system calls
    m_process->setChildProcessModifier([nice] { priority::lowerCurrentProcessInChild(nice); });
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process.get(), &QProcess::readyReadStandardOutput, this, &LocalAgentLauncher::onOutput);
    connect(m_process.get(), &QProcess::errorOccurred, this, [this, agent](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT failed(QStringLiteral("could not start %1: %2").arg(agent, m_process->errorString()));
    });
    connect(m_process.get(), &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (m_stopping)
            return;
        // The log stays behind recentOutput(); the message says what happened, in words.
        Q_EMIT failed(QStringLiteral("the local agent exited (%1)").arg(describeExit(code, status)));
    });
    QStringList arguments{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    arguments << extraArguments;
    qCInfo(lcLauncher) << "starting" << agent << arguments;
    m_process->start(agent, arguments);
}

void LocalAgentLauncher::onOutput()
{
    m_lineBuffer += m_process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_lineBuffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_lineBuffer.left(newline).trimmed();
        m_lineBuffer.remove(0, newline + 1);
        m_output += QString::fromUtf8(line) + QLatin1Char('\n');
        Q_EMIT agentOutput(QString::fromUtf8(line));
        if (m_url.isEmpty() && line.startsWith(kListeningPrefix)) {
            m_url = QUrl(QString::fromUtf8(line.mid(kListeningPrefix.size()).trimmed()));
            Q_EMIT started(m_url, m_secret);
        }
    }
}

QString LocalAgentLauncher::describeExit(int code, QProcess::ExitStatus status)
{
    if (status == QProcess::CrashExit) {
        // Qt reports the terminating signal as the exit code of a crashed process on Unix.
        const char *name = code > 0 ? ::strsignal(code) : nullptr;
        return name ? QStringLiteral("killed by signal %1, %2").arg(code).arg(QString::fromLocal8Bit(name))
                    : QStringLiteral("it crashed");
    }
    return QStringLiteral("exit code %1").arg(code);
}

QString LocalAgentLauncher::waitForExit(int waitMs)
{
    if (!m_process || m_stopping)
        return {};
    if (m_process->state() != QProcess::NotRunning)
        m_process->waitForFinished(waitMs);
    if (m_process->state() != QProcess::NotRunning)
        return {};
    return QStringLiteral("the local agent stopped unexpectedly (%1)")
        .arg(describeExit(m_process->exitCode(), m_process->exitStatus()));
}

void LocalAgentLauncher::stop()
{
    if (!m_process)
        return;
    m_stopping = true;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(kStopGraceMs)) {
            m_process->kill();
            m_process->waitForFinished(kStopGraceMs);
        }
    }
    m_process.reset();
}

} // namespace tandem
