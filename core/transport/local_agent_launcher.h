// Starts tandem-agent on this computer (127.0.0.1, a free port, a fresh secret): the embedded default.
#pragma once

#include <QObject>
#include <QProcess>
#include <QUrl>

#include <memory>

namespace tandem {

class LocalAgentLauncher : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalAgentLauncher)
public:
    explicit LocalAgentLauncher(QObject *parent = nullptr);
    ~LocalAgentLauncher() override;

    // program empty: tandem-agent next to this executable, then $TANDEM_AGENT, then PATH.
    void start(const QString &program = {}, const QStringList &extraArguments = {});
    void stop();

    [[nodiscard]] static QString findAgent(const QString &preferred = {});
    [[nodiscard]] QByteArray secret() const { return m_secret; }
    [[nodiscard]] QUrl url() const { return m_url; }
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] QString recentOutput() const { return m_output.right(4000); }
    // Waits up to waitMs for an agent that ends on its own; then how it ended, for a person ("the
    // local agent stopped unexpectedly (killed by signal 9, Killed)"), or empty while it runs or
    // after stop().
    [[nodiscard]] QString waitForExit(int waitMs);
    // How a process that ended by itself ended, in words: "exit code 1", "killed by signal 9, Killed".
    [[nodiscard]] static QString describeExit(int code, QProcess::ExitStatus status);

Q_SIGNALS:
    void started(const QUrl &url, const QByteArray &secret);
    void failed(const QString &message);
    // The agent's own lines (device found, warnings), for a log view.
    void agentOutput(const QString &line);

private:
    void onOutput();

    std::unique_ptr<QProcess> m_process;
    QByteArray m_secret;
    QUrl m_url;
    QString m_output;
    QByteArray m_lineBuffer;
    bool m_stopping = false;
};

} // namespace tandem
