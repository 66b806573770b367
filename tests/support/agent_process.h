// Test support: runs the real tandem-agent with a fresh random secret and finds its URL.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

class AgentProcess {
public:
    AgentProcess();
    // An agent that expects this secret instead of a fresh random one.
    explicit AgentProcess(QByteArray secret);
    ~AgentProcess();
    AgentProcess(const AgentProcess &) = delete;
    AgentProcess &operator=(const AgentProcess &) = delete;

    // Starts `tandem-agent --listen 127.0.0.1:0 [extra]` and waits for its "listening on" line.
    [[nodiscard]] bool start(const QStringList &extraArguments = {}, int timeoutMs = 30000);
    // Starts `tandem-agent --connect URL [extra]` (the agent dials the test).
    [[nodiscard]] bool startConnecting(const QUrl &url, const QStringList &extraArguments = {});
    // Waits until the agent printed a line containing `text`.
    [[nodiscard]] bool waitForOutput(const QString &text, int timeoutMs = 15000);
    // As a crashed or preempted machine would: no Goodbye, the socket just goes.
    void kill();
    // SIGTERM, then waits; returns the exit code (or -1 if it had to be killed).
    int stop(int timeoutMs = 15000);
    // Waits for the agent to exit on its own; its exit code, or -1 (timeout, crash).
    [[nodiscard]] int waitForExit(int timeoutMs = 15000);

    [[nodiscard]] QUrl url() const { return m_url; }
    [[nodiscard]] QByteArray secret() const { return m_secret; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] bool isRunning() const { return m_process.state() == QProcess::Running; }
    [[nodiscard]] qint64 pid() const { return m_process.processId(); }
    // Everything the agent printed so far (stdout and stderr), for failure messages.
    [[nodiscard]] QString output();

private:
    [[nodiscard]] bool launch(const QStringList &arguments, int timeoutMs);

    QProcess m_process;
    QByteArray m_secret;
    QUrl m_url;
    QString m_error;
    QByteArray m_log;
};
