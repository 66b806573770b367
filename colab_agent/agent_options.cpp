#include "agent_options.h"

#include <QCommandLineParser>

#include <limits>

namespace tandem::agent {

namespace {
constexpr qint64 kMinCacheBytes = 16LL << 20; // below this a cache holds a handful of base images
QCommandLineOption listenOption()
{
    return {QStringLiteral("listen"),
            QStringLiteral("Listen on HOST:PORT (default 127.0.0.1:8765; port 0 picks a free one)."),
            QStringLiteral("HOST:PORT")};
}
QCommandLineOption connectOption()
{
    return {
        QStringLiteral("connect"),
        QStringLiteral("Dial out to the app at a ws:// or wss:// URL, and again after each session (with backoff)."),
        QStringLiteral("URL")};
}
QCommandLineOption secretOption()
{
    return {
        QStringLiteral("secret-file"),
        QStringLiteral(
            "Read the shared secret from the first line of PATH (default: the TANDEM_SECRET environment variable)."),
        QStringLiteral("PATH")};
}
QCommandLineOption deviceOption()
{
    return {QStringLiteral("device"), QStringLiteral("Train on auto, cpu or cuda (default auto)."),
            QStringLiteral("DEVICE"), QStringLiteral("auto")};
}
QCommandLineOption threadsOption()
{
    return {QStringLiteral("threads"), QStringLiteral("libtorch CPU threads (default: all cores)."),
            QStringLiteral("N")};
}
QCommandLineOption cacheBytesOption()
{
    return {QStringLiteral("cache-bytes"),
            QStringLiteral("Host RAM for cached base images, e.g. 8G or 512M (default: a quarter of MemAvailable, "
                           "printed at start; at least 16M)."),
            QStringLiteral("BYTES")};
}
QCommandLineOption cacheDirOption()
{
    return {QStringLiteral("cache-dir"),
            QStringLiteral("Also keep cached base images in DIR, where they survive a restart of the agent."),
            QStringLiteral("DIR")};
}
QCommandLineOption onceOption()
{
    return {QStringLiteral("once"), QStringLiteral("Serve one session (or make one connection attempt), then exit.")};
}
QCommandLineOption generateSecretOption()
{
    return {QStringLiteral("generate-secret"),
            QStringLiteral("Print a fresh random secret (32 bytes, base64url) and exit. Without a secret the agent "
                           "generates one and prints it.")};
}
QCommandLineOption versionOption()
{
    return {QStringLiteral("version"), QStringLiteral("Print the version and the libtorch device, then exit.")};
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QStringLiteral("tandem-agent: trains on batches streamed by the Tandem app over an authenticated WebSocket."));
    parser.addHelpOption();
    parser.addOptions({listenOption(), connectOption(), secretOption(), deviceOption(), threadsOption(),
                       cacheBytesOption(), cacheDirOption(), onceOption(), generateSecretOption(), versionOption()});
}
} // namespace

QString AgentOptions::usage()
{
    QCommandLineParser parser;
    addOptions(parser);
    return parser.helpText();
}

ParsedAgentOptions AgentOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    ParsedAgentOptions parsed;
    if (!parser.parse(arguments)) {
        parsed.error = parser.errorText();
        return parsed;
    }
    if (!parser.positionalArguments().isEmpty()) {
        parsed.error = QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().first());
        return parsed;
    }
    AgentOptions o;
    o.showVersion = parser.isSet(versionOption());
    o.showHelp = parser.isSet(QStringLiteral("help"));
    o.once = parser.isSet(onceOption());
    o.generateSecret = parser.isSet(generateSecretOption());
    o.secretFile = parser.value(secretOption());

    if (parser.isSet(listenOption())) {
        const QString value = parser.value(listenOption());
        const int colon = value.lastIndexOf(QLatin1Char(':'));
        bool portOk = false;
        const uint port = colon > 0 ? value.mid(colon + 1).toUInt(&portOk) : 0;
        QString host = colon > 0 ? value.left(colon) : QString();
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2); // [::1]:8765
        if (!portOk || port > 65535 || host.isEmpty()) {
            parsed.error =
                QStringLiteral("--listen expects HOST:PORT (e.g. 127.0.0.1:8765 or 0.0.0.0:0), got \"%1\"").arg(value);
            return parsed;
        }
        o.listenHost = host;
        o.listenPort = quint16(port);
    }
    if (parser.isSet(connectOption())) {
        if (parser.isSet(listenOption())) {
            parsed.error = QStringLiteral("--listen and --connect exclude each other");
            return parsed;
        }
        o.connectUrl = QUrl(parser.value(connectOption()), QUrl::StrictMode);
        const QString scheme = o.connectUrl.scheme();
        if (!o.connectUrl.isValid() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")) ||
            o.connectUrl.host().isEmpty()) {
            parsed.error = QStringLiteral("--connect expects a ws:// or wss:// URL, got \"%1\"")
                               .arg(parser.value(connectOption()));
            return parsed;
        }
        if (!o.connectUrl.userInfo().isEmpty() || o.connectUrl.hasQuery()) {
            // The secret never travels in a URL (logs, proxies and tunnels keep them).
            parsed.error = QStringLiteral("--connect URL must not carry credentials or a query; pass the secret with "
                                          "--secret-file or TANDEM_SECRET");
            return parsed;
        }
    }
    o.device = parser.value(deviceOption());
    if (o.device != QLatin1String("auto") && o.device != QLatin1String("cpu") && o.device != QLatin1String("cuda")) {
        parsed.error = QStringLiteral("--device expects auto, cpu or cuda, got \"%1\"").arg(o.device);
        return parsed;
    }
    if (parser.isSet(threadsOption())) {
        bool ok = false;
        o.threads = parser.value(threadsOption()).toInt(&ok);
        if (!ok || o.threads < 1 || o.threads > 1024) {
            parsed.error = QStringLiteral("--threads expects a number from 1 to 1024, got \"%1\"")
                               .arg(parser.value(threadsOption()));
            return parsed;
        }
    }
    if (parser.isSet(cacheBytesOption())) {
        const std::optional<qint64> bytes = parseByteSize(parser.value(cacheBytesOption()));
        if (!bytes || *bytes < kMinCacheBytes) {
            parsed.error = QStringLiteral("--cache-bytes expects a size of at least 16M (bytes, or with K, M, G or T), "
                                          "got \"%1\"")
                               .arg(parser.value(cacheBytesOption()));
            return parsed;
        }
        o.cacheBytes = *bytes;
    }
    if (parser.isSet(cacheDirOption())) {
        o.cacheDir = parser.value(cacheDirOption());
        if (o.cacheDir.isEmpty()) {
            parsed.error = QStringLiteral("--cache-dir expects a folder, got \"\"");
            return parsed;
        }
    }
    parsed.options = o;
    return parsed;
}

std::optional<qint64> AgentOptions::parseByteSize(const QString &text)
{
    QString digits = text.trimmed();
    int shift = 0;
    if (!digits.isEmpty()) {
        switch (digits.back().toUpper().toLatin1()) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: break;
        }
        if (shift > 0)
            digits.chop(1);
    }
    bool ok = false;
    const qint64 value = digits.toLongLong(&ok);
    if (!ok || value < 0 || digits.startsWith(QLatin1Char('+')) ||
        value > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

} // namespace tandem::agent
