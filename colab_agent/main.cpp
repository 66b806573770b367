// tandem-agent: WebSocket endpoint and libtorch trainer for the Tandem app (see README.md).
#include "agent_dialer.h"
#include "agent_log.h"
#include "agent_options.h"
#include "agent_server.h"
#include "agent_session.h"
#include "auth.h"
#include "signal_watcher.h"
#include "torch_runtime.h"

#include <QCoreApplication>
#include <QThread>
#include <QTimer>

#include <cstdio>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <memory>

namespace {

using namespace tandem::agent;

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;
constexpr int kInitialCredits = 4;   // batches a client may have in flight: enough to hide a round trip
constexpr int kGoodbyeFlushMs = 200; // time for Goodbye frames to leave before the process exits

void printError(const QString &message)
{
    std::fprintf(stderr, "tandem-agent: %s\n", qPrintable(message));
    std::fflush(stderr);
}

} // namespace

int main(int argc, char *argv[])
{
#if defined(__GLIBC__)
    // glibc serves blocks above 128 KiB (a threshold that rises only as freed ones come back) with
    // mmap() and returns them with munmap(), and trims the heap's top above 128 KiB: every
    // batch's tensors were new memory, zeroed page by page in the kernel. With these thresholds
    // (tried first as GLIBC_TUNABLES) a local 2-epoch run's system time fell from 4.9 s to 1.4 s
    // and its throughput rose from 927 to 1,277 samples/s (README, app_vs_cli.sh). The memory
    // kept is reused by the next batch.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandem-agent"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_AGENT_VERSION));

    const ParsedAgentOptions parsed = AgentOptions::parse(QCoreApplication::arguments());
    if (!parsed.options) {
        printError(parsed.error);
        std::fprintf(stderr, "\n%s", qPrintable(AgentOptions::usage()));
        return kExitUsage;
    }
    const AgentOptions &options = *parsed.options;
    if (options.showHelp) {
        printLine(AgentOptions::usage().trimmed());
        return 0;
    }
    if (options.showVersion) {
        printLine(QStringLiteral("tandem-agent %1 (libtorch %2)")
                      .arg(QStringLiteral(TANDEM_AGENT_VERSION), torch_runtime::torchVersion()));
        printLine(torch_runtime::startupDeviceLine());
        return 0;
    }

    if (options.generateSecret) {
        printLine(QString::fromLatin1(tandem::protocol::auth::generateSecret()));
        return 0;
    }
    // A generated secret is the default; one that is given must pass the strength rule
    // (PROTOCOL.md §5), else the agent refuses to start with the rule's message.
    tandem::protocol::auth::SecretSource secret;
    if (options.secretFile.isEmpty() && qEnvironmentVariableIsEmpty("TANDEM_SECRET")) {
        secret.secret = tandem::protocol::auth::generateSecret();
        printLine(
            QStringLiteral("tandem-agent: no secret given (TANDEM_SECRET or --secret-file): generated one for this "
                           "run; give it to the app: %1")
                .arg(QString::fromLatin1(secret.secret)));
    } else {
        secret = tandem::protocol::auth::loadSecret(options.secretFile);
    }
    if (!secret.error.isEmpty()) {
        printError(QStringLiteral("refusing to start: %1").arg(secret.error));
        return kExitUsage;
    }

    const int threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    torch_runtime::setThreads(threads);
    printLine(torch_runtime::startupDeviceLine());
    if (options.device == QLatin1String("cuda") && !torch_runtime::cudaAvailable()) {
        printLine(QStringLiteral("tandem-agent: --device cuda was requested, but %1; falling back to the CPU")
                      .arg(torch_runtime::cudaUnavailableReason()));
    }

    AgentSession::Settings settings;
    settings.secret = secret.secret;
    settings.device = options.device;
    settings.threads = threads;
    settings.credits = kInitialCredits;

    SignalWatcher signalWatcher;
    std::unique_ptr<AgentServer> server;
    std::unique_ptr<AgentDialer> dialer;
    int exitCode = 0;
    auto quitSoon = [&app] { QTimer::singleShot(kGoodbyeFlushMs, &app, &QCoreApplication::quit); };

    if (options.dialsOut()) {
        dialer = std::make_unique<AgentDialer>(settings, options.connectUrl, options.once);
        QObject::connect(dialer.get(), &AgentDialer::finished, &app, [&exitCode, quitSoon](int code) {
            exitCode = code;
            quitSoon();
        });
        dialer->start();
    } else {
        server = std::make_unique<AgentServer>(settings, options.once);
        const QString error = server->listen(options.listenHost, options.listenPort);
        if (!error.isEmpty()) {
            printError(error);
            return kExitFailure;
        }
        QObject::connect(server.get(), &AgentServer::finished, &app, quitSoon);
        printLine(QStringLiteral("tandem-agent listening on %1").arg(server->url()));
    }

    QObject::connect(&signalWatcher, &SignalWatcher::received, &app, [&](int number) {
        printLine(QStringLiteral("tandem-agent stopping (signal %1)").arg(number));
        if (server)
            server->shutdown(QStringLiteral("the agent is shutting down"));
        if (dialer)
            dialer->shutdown(QStringLiteral("the agent is shutting down"));
        quitSoon();
    });

    const int loopCode = app.exec();
    // Sessions (and their trainer threads) end before QCoreApplication does.
    server.reset();
    dialer.reset();
    return exitCode != 0 ? exitCode : loopCode;
}
