// Tests of colab_agent/agent_options: every option parsed, the defaults, and each bad value refused
// with its own message, without starting a process.
#include "agent_options.h"

#include <QTest>

using tandem::agent::AgentOptions;
using tandem::agent::ParsedAgentOptions;

namespace {

ParsedAgentOptions parse(const QStringList &arguments)
{
    return AgentOptions::parse(QStringList{QStringLiteral("tandem-agent")} + arguments);
}

} // namespace

class TestAgentOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void listen_data();
    void listen();
    void connectUrl_data();
    void connectUrl();
    void deviceAndThreads_data();
    void deviceAndThreads();
    void flags_data();
    void flags();
    void secretFile();
    void cache_data();
    void cache();
    void byteSizes_data();
    void byteSizes();
    void refused_data();
    void refused();
    void usageNamesEveryOption();
};

void TestAgentOptions::defaults()
{
    const ParsedAgentOptions parsed = parse({});
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QVERIFY(parsed.error.isEmpty());
    const AgentOptions &o = *parsed.options;
    QCOMPARE(o.listenHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(o.listenPort, quint16(8765));
    QVERIFY(o.connectUrl.isEmpty());
    QVERIFY(!o.dialsOut());
    QVERIFY(o.secretFile.isEmpty());
    QCOMPARE(o.device, QStringLiteral("auto"));
    QCOMPARE(o.threads, 0);
    QCOMPARE(o.cacheBytes, qint64(0));
    QVERIFY(o.cacheDir.isEmpty());
    QVERIFY(!o.once);
    QVERIFY(!o.showVersion);
    QVERIFY(!o.showHelp);
}

void TestAgentOptions::listen_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("loopback") << "127.0.0.1:9000"
                              << "127.0.0.1" << 9000;
    QTest::newRow("any free port") << "0.0.0.0:0"
                                   << "0.0.0.0" << 0;
    QTest::newRow("highest port") << "127.0.0.1:65535"
                                  << "127.0.0.1" << 65535;
    QTest::newRow("name") << "localhost:8765"
                          << "localhost" << 8765;
    QTest::newRow("bracketed IPv6") << "[::1]:8766"
                                    << "::1" << 8766;
    QTest::newRow("bare IPv6: the last colon splits") << "::1:8767"
                                                      << "::1" << 8767;
}

void TestAgentOptions::listen()
{
    QFETCH(QString, value);
    QFETCH(QString, host);
    QFETCH(int, port);
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("--listen"), value}, QStringList{QStringLiteral("--listen=%1").arg(value)}}) {
        const ParsedAgentOptions parsed = parse(arguments);
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        QCOMPARE(parsed.options->listenHost, host);
        QCOMPARE(int(parsed.options->listenPort), port);
        QVERIFY(!parsed.options->dialsOut());
    }
}

void TestAgentOptions::connectUrl_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("ws") << "ws://127.0.0.1:8765";
    QTest::newRow("wss with a path") << "wss://example.trycloudflare.com/agent";
    QTest::newRow("ws IPv6") << "ws://[::1]:9000";
}

void TestAgentOptions::connectUrl()
{
    QFETCH(QString, value);
    const ParsedAgentOptions parsed = parse({QStringLiteral("--connect"), value});
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QVERIFY(parsed.options->dialsOut());
    QCOMPARE(parsed.options->connectUrl, QUrl(value));
    // Listening stays at its defaults; it is unused when dialling out.
    QCOMPARE(parsed.options->listenHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(parsed.options->listenPort, quint16(8765));
}

void TestAgentOptions::deviceAndThreads_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("device");
    QTest::addColumn<int>("threads");
    QTest::newRow("cpu") << QStringList{"--device", "cpu"} << "cpu" << 0;
    QTest::newRow("cuda") << QStringList{"--device", "cuda"} << "cuda" << 0;
    QTest::newRow("auto, spelled out") << QStringList{"--device=auto"} << "auto" << 0;
    QTest::newRow("the last --device wins") << QStringList{"--device", "cuda", "--device", "cpu"} << "cpu" << 0;
    QTest::newRow("one thread") << QStringList{"--threads", "1"} << "auto" << 1;
    QTest::newRow("most threads") << QStringList{"--threads", "1024"} << "auto" << 1024;
    QTest::newRow("both") << QStringList{"--threads=8", "--device", "cpu"} << "cpu" << 8;
}

void TestAgentOptions::deviceAndThreads()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, device);
    QFETCH(int, threads);
    const ParsedAgentOptions parsed = parse(arguments);
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QCOMPARE(parsed.options->device, device);
    QCOMPARE(parsed.options->threads, threads);
}

void TestAgentOptions::flags_data()
{
    QTest::addColumn<QString>("argument");
    QTest::addColumn<bool>("once");
    QTest::addColumn<bool>("version");
    QTest::addColumn<bool>("help");
    QTest::newRow("--once") << "--once" << true << false << false;
    QTest::newRow("--version") << "--version" << false << true << false;
    QTest::newRow("--help") << "--help" << false << false << true;
    QTest::newRow("-h") << "-h" << false << false << true;
}

void TestAgentOptions::flags()
{
    QFETCH(QString, argument);
    QFETCH(bool, once);
    QFETCH(bool, version);
    QFETCH(bool, help);
    const ParsedAgentOptions parsed = parse({argument});
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QCOMPARE(parsed.options->once, once);
    QCOMPARE(parsed.options->showVersion, version);
    QCOMPARE(parsed.options->showHelp, help);
}

void TestAgentOptions::secretFile()
{
    const ParsedAgentOptions parsed = parse({QStringLiteral("--secret-file"), QStringLiteral("/run/secrets/tandem")});
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QCOMPARE(parsed.options->secretFile, QStringLiteral("/run/secrets/tandem"));
}

void TestAgentOptions::cache_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("dir");
    QTest::newRow("gibibytes") << QStringList{"--cache-bytes", "8G"} << (qint64(8) << 30) << QString();
    QTest::newRow("mebibytes, lower case") << QStringList{"--cache-bytes=512m"} << (qint64(512) << 20) << QString();
    QTest::newRow("plain bytes") << QStringList{"--cache-bytes", "16777216"} << qint64(16777216) << QString();
    QTest::newRow("folder") << QStringList{"--cache-dir", "/content/cache"} << qint64(0) << "/content/cache";
    QTest::newRow("both") << QStringList{"--cache-dir", "c", "--cache-bytes", "1T"} << (qint64(1) << 40) << "c";
}

void TestAgentOptions::cache()
{
    QFETCH(QStringList, arguments);
    QFETCH(qint64, bytes);
    QFETCH(QString, dir);
    const ParsedAgentOptions parsed = parse(arguments);
    QVERIFY2(parsed.options, qPrintable(parsed.error));
    QCOMPARE(parsed.options->cacheBytes, bytes);
    QCOMPARE(parsed.options->cacheDir, dir);
}

void TestAgentOptions::byteSizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: refused
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("kibibytes") << "3K" << qint64(3072);
    QTest::newRow("tebibytes") << "2t" << (qint64(2) << 40);
    QTest::newRow("largest") << "8388607T" << (qint64(8388607) << 40);
    QTest::newRow("overflow") << "8388608T" << qint64(-1);
    QTest::newRow("negative") << "-1G" << qint64(-1);
    QTest::newRow("plus sign") << "+1G" << qint64(-1);
    QTest::newRow("decimal") << "1.5G" << qint64(-1);
    QTest::newRow("unit alone") << "G" << qint64(-1);
    QTest::newRow("two units") << "1GB" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
}

void TestAgentOptions::byteSizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    const std::optional<qint64> parsed = AgentOptions::parseByteSize(text);
    QCOMPARE(parsed.value_or(-1), bytes);
}

void TestAgentOptions::refused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");

    const auto listenError = [](const QString &value) {
        return QStringLiteral("--listen expects HOST:PORT (e.g. 127.0.0.1:8765 or 0.0.0.0:0), got \"%1\"").arg(value);
    };
    QTest::newRow("listen without a port") << QStringList{"--listen", "127.0.0.1"} << listenError("127.0.0.1");
    QTest::newRow("listen with an empty port") << QStringList{"--listen", "127.0.0.1:"} << listenError("127.0.0.1:");
    QTest::newRow("listen without a host") << QStringList{"--listen", ":8765"} << listenError(":8765");
    QTest::newRow("listen with empty brackets") << QStringList{"--listen", "[]:8765"} << listenError("[]:8765");
    QTest::newRow("listen port too large")
        << QStringList{"--listen", "127.0.0.1:65536"} << listenError("127.0.0.1:65536");
    QTest::newRow("listen negative port") << QStringList{"--listen", "127.0.0.1:-1"} << listenError("127.0.0.1:-1");
    QTest::newRow("listen port not a number") << QStringList{"--listen", "host:http"} << listenError("host:http");
    QTest::newRow("listen without a value") << QStringList{"--listen"} << "Missing value after '--listen'.";

    QTest::newRow("listen and connect") << QStringList{"--listen", "127.0.0.1:0", "--connect", "ws://127.0.0.1:1"}
                                        << "--listen and --connect exclude each other";
    const auto connectError = [](const QString &value) {
        return QStringLiteral("--connect expects a ws:// or wss:// URL, got \"%1\"").arg(value);
    };
    QTest::newRow("connect http") << QStringList{"--connect", "http://127.0.0.1:8765"}
                                  << connectError("http://127.0.0.1:8765");
    QTest::newRow("connect without a scheme")
        << QStringList{"--connect", "127.0.0.1:8765"} << connectError("127.0.0.1:8765");
    QTest::newRow("connect without a host") << QStringList{"--connect", "ws:///agent"} << connectError("ws:///agent");
    QTest::newRow("connect not a URL") << QStringList{"--connect", "ws://exa mple.com"}
                                       << connectError("ws://exa mple.com");
    const QString noCredentials = QStringLiteral(
        "--connect URL must not carry credentials or a query; pass the secret with --secret-file or TANDEM_SECRET");
    QTest::newRow("connect with a user") << QStringList{"--connect", "ws://me@127.0.0.1:8765"} << noCredentials;
    QTest::newRow("connect with a password")
        << QStringList{"--connect", "wss://me:secret@example.com/"} << noCredentials;
    QTest::newRow("connect with a query") << QStringList{"--connect", "ws://127.0.0.1:8765/?secret=x"} << noCredentials;

    QTest::newRow("device unknown") << QStringList{"--device", "tpu"}
                                    << "--device expects auto, cpu or cuda, got \"tpu\"";
    QTest::newRow("device upper case") << QStringList{"--device", "CPU"}
                                       << "--device expects auto, cpu or cuda, got \"CPU\"";
    QTest::newRow("device empty") << QStringList{"--device="} << "--device expects auto, cpu or cuda, got \"\"";

    const auto threadsError = [](const QString &value) {
        return QStringLiteral("--threads expects a number from 1 to 1024, got \"%1\"").arg(value);
    };
    QTest::newRow("threads zero") << QStringList{"--threads", "0"} << threadsError("0");
    QTest::newRow("threads negative") << QStringList{"--threads", "-4"} << threadsError("-4");
    QTest::newRow("threads too many") << QStringList{"--threads", "1025"} << threadsError("1025");
    QTest::newRow("threads not a number") << QStringList{"--threads", "four"} << threadsError("four");
    QTest::newRow("threads fraction") << QStringList{"--threads", "2.5"} << threadsError("2.5");

    const auto cacheError = [](const QString &value) {
        return QStringLiteral("--cache-bytes expects a size of at least 16M (bytes, or with K, M, G or T), got \"%1\"")
            .arg(value);
    };
    QTest::newRow("cache too small") << QStringList{"--cache-bytes", "15M"} << cacheError("15M");
    QTest::newRow("cache not a size") << QStringList{"--cache-bytes", "lots"} << cacheError("lots");
    QTest::newRow("cache with a B") << QStringList{"--cache-bytes", "8GB"} << cacheError("8GB");
    QTest::newRow("cache dir empty") << QStringList{"--cache-dir="} << "--cache-dir expects a folder, got \"\"";

    QTest::newRow("unknown option") << QStringList{"--port", "8765"} << "Unknown option 'port'.";
    QTest::newRow("positional argument") << QStringList{"--once", "extra"} << "unexpected argument: extra";
}

void TestAgentOptions::refused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    const ParsedAgentOptions parsed = parse(arguments);
    QVERIFY(!parsed.options);
    QCOMPARE(parsed.error, error);
}

void TestAgentOptions::usageNamesEveryOption()
{
    const QString usage = AgentOptions::usage();
    for (const char *option : {"--listen", "--connect", "--secret-file", "--device", "--threads", "--cache-bytes",
                               "--cache-dir", "--once", "--version", "--help"})
        QVERIFY2(usage.contains(QLatin1String(option)), option);
}

QTEST_GUILESS_MAIN(TestAgentOptions)
#include "tst_agent_options.moc"
