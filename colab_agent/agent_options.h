// The agent's command line, parsed and checked without side effects.
#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace tandem::agent {

struct ParsedAgentOptions;

struct AgentOptions {
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8765;               // 0: any free port
    QUrl connectUrl;                         // set: dial out instead of listening
    QString secretFile;                      // empty: TANDEM_SECRET
    QString device = QStringLiteral("auto"); // auto | cpu | cuda
    int threads = 0;                         // libtorch intra-op threads; 0: all cores
    qint64 cacheBytes = 0; // the sample cache's host-RAM budget; 0: a share of MemAvailable (SampleCache)
    QString cacheDir;      // set: the sample cache's disk tier lives here and outlives the agent
    bool once = false;     // serve one session (or one connection attempt), then exit
    bool showVersion = false;
    bool showHelp = false;
    bool generateSecret = false; // print a fresh secret and exit

    [[nodiscard]] bool dialsOut() const { return connectUrl.isValid() && !connectUrl.isEmpty(); }

    [[nodiscard]] static ParsedAgentOptions parse(const QStringList &arguments);
    [[nodiscard]] static QString usage();
    // "512M", "2G", "1073741824": bytes with an optional binary suffix K, M, G or T; nullopt when malformed.
    [[nodiscard]] static std::optional<qint64> parseByteSize(const QString &text);
};

struct ParsedAgentOptions {
    std::optional<AgentOptions> options;
    QString error; // for people, when options is empty
};

} // namespace tandem::agent
