// bench-event-loop: how long the GUI thread's event loop keeps a posted event or a 0 ms timer
// waiting while the desktop app trains with the dashboard on screen.
//
//   bench-event-loop --dataset DIR [--epochs N] [--batch N] [--size N] [--color gray|rgb] [--threads N]
//                    [--hide-dashboard]
//
// Opens the real MainWindow (offscreen unless QT_QPA_PLATFORM says otherwise), shows the Training
// tab, starts a run on the local tandem-agent and, every 2 ms while the run trains, posts an event
// to the GUI thread and starts a 0 ms timer. It prints the delay until each ran: p50, p99, max.
// --hide-dashboard keeps the Dataset tab in front, to tell painting apart from the rest.
// For every probe late by more than 16 ms it also says where the delay went, from the GUI
// thread's own clocks: on the CPU (the GUI thread was running: its own work, painting or slots),
// waiting on a run queue (runnable, but another thread had the CPU: scheduling; Linux's
// /proc/thread-self/schedstat), or neither (asleep: an event loop that did not wake up in time).
// It uses only MainWindow's and TrainingSession's public API, so the same file builds against an
// older tree for a before/after comparison. A benchmark: it never fails on time.
#include "main_window.h"
#include "session/training_session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEvent>
#include <QFileInfo>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <QFile>
#include <QHash>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace tandem;

namespace {

constexpr int kProbeIntervalMs = 2;
const QEvent::Type kProbeEvent = QEvent::Type(QEvent::User + 17);

constexpr double kLateMs = 16.0;

// The calling thread's CPU time so far.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// How long the calling thread has waited on a run queue so far (runnable, not running); -1 where
// the kernel does not say.
qint64 threadRunQueueWaitNs()
{
    QFile file(QStringLiteral("/proc/thread-self/schedstat"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = file.readAll().split(' ');
    return fields.size() >= 2 ? fields[1].toLongLong() : -1;
}

// Where the delays of the late probes went, summed.
struct LateProbes {
    int count = 0;
    double delayMs = 0;
    double onCpuMs = 0;
    double runQueueMs = 0;
};

// Receives the posted probes on the GUI thread; the event carries when it was posted.
class ProbeReceiver : public QObject {
public:
    struct ProbeEvent : QEvent {
        ProbeEvent(qint64 postedNs, qint64 cpuNs, qint64 waitNs)
            : QEvent(kProbeEvent), postedNs(postedNs), cpuNs(cpuNs), waitNs(waitNs)
        {
        }
        qint64 postedNs;
        qint64 cpuNs;
        qint64 waitNs;
    };

    explicit ProbeReceiver(const QElapsedTimer &clock) : m_clock(clock) {}
    bool event(QEvent *e) override
    {
        if (e->type() != kProbeEvent)
            return QObject::event(e);
        if (recording) {
            const auto *probe = static_cast<ProbeEvent *>(e);
            const double delay = double(m_clock.nsecsElapsed() - probe->postedNs) / 1e6;
            postedDelaysMs.push_back(delay);
            if (delay > kLateMs) {
                ++late.count;
                late.delayMs += delay;
                late.onCpuMs += double(threadCpuNs() - probe->cpuNs) / 1e6;
                if (probe->waitNs >= 0)
                    late.runQueueMs += double(threadRunQueueWaitNs() - probe->waitNs) / 1e6;
            }
        }
        return true;
    }

    bool recording = false;
    std::vector<double> postedDelaysMs;
    LateProbes late;

private:
    const QElapsedTimer &m_clock;
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[index];
}

void print(const char *what, const std::vector<double> &ms)
{
    std::printf("%-22s n=%-7zu p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, ms.size(), percentile(ms, 0.50),
                percentile(ms, 0.99), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

// Times every event the GUI thread handles at the top level, and keeps the long ones by the
// receiver's class and the event's type: what the GUI thread was doing when probes waited.
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth > 0 || !recording)
            return QApplication::notify(receiver, event);
        ++m_depth;
        // Before notify(): a DeferredDelete deletes the receiver, and the event with it.
        const char *className = receiver->metaObject()->className();
        const int type = int(event->type());
        QElapsedTimer clock;
        clock.start();
        const bool handled = QApplication::notify(receiver, event);
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        --m_depth;
        if (ms > 4.0) {
            const QString key = QStringLiteral("%1 %2").arg(QLatin1String(className)).arg(type);
            Long &l = longEvents[key];
            ++l.count;
            l.totalMs += ms;
            l.maxMs = std::max(l.maxMs, ms);
        }
        return handled;
    }
    struct Long {
        int count = 0;
        double totalMs = 0;
        double maxMs = 0;
    };
    bool recording = false;
    QHash<QString, Long> longEvents;

private:
    int m_depth = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption dataset(QStringLiteral("dataset"), QStringLiteral("Dataset folder."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("Epochs (default 2)."),
                                    QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."),
                                   QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Input side (default 28)."),
                                  QStringLiteral("N"), QStringLiteral("28"));
    const QCommandLineOption color(QStringLiteral("color"), QStringLiteral("gray or rgb (default gray)."),
                                   QStringLiteral("MODE"), QStringLiteral("gray"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Preprocessing threads (default 0: all cores)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption hideDashboard(QStringLiteral("hide-dashboard"),
                                           QStringLiteral("Keep the Dataset tab in front during the run."));
    parser.addHelpOption();
    parser.addOptions({dataset, epochs, batch, size, color, threads, hideDashboard});
    parser.process(app);
    if (!parser.isSet(dataset) || !QFileInfo(parser.value(dataset)).isDir()) {
        std::fprintf(stderr, "bench-event-loop: --dataset DIR is required\n");
        return 2;
    }

    // A settings file of its own: the same run every time, whatever the person's app remembers.
    QTemporaryDir dir;
    const QString settingsFile = dir.filePath(QStringLiteral("bench.ini"));
    {
        QSettings s(settingsFile, QSettings::IniFormat);
        const int side = parser.value(size).toInt();
        s.setValue(QStringLiteral("preprocess/json"),
                   QStringLiteral("{\"width\":%1,\"height\":%1,\"color\":\"%2\",\"crop\":\"center\"}")
                       .arg(side)
                       .arg(parser.value(color))
                       .toUtf8());
        s.setValue(QStringLiteral("training/epochs"), parser.value(epochs).toInt());
        s.setValue(QStringLiteral("training/batchSize"), parser.value(batch).toInt());
        s.setValue(QStringLiteral("training/device"), QStringLiteral("cpu"));
        s.setValue(QStringLiteral("training/threads"), parser.value(threads).toInt());
        s.setValue(QStringLiteral("training/saveWeights"), false);
        s.setValue(QStringLiteral("agent/mode"), QStringLiteral("local"));
    }

    MainWindow window(settingsFile);
    window.resize(1400, 900);
    window.show();
    const bool dashboardVisible = !parser.isSet(hideDashboard);
    if (auto *tabs = window.findChild<QTabWidget *>())
        tabs->setCurrentIndex(dashboardVisible ? 1 : 0); // Training: the dashboard paints during a run

    QElapsedTimer clock;
    clock.start();
    ProbeReceiver receiver(clock);
    std::vector<double> timerDelaysMs;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(kProbeIntervalMs);
    QObject::connect(&probe, &QTimer::timeout, &receiver, [&] {
        const qint64 now = clock.nsecsElapsed();
        QCoreApplication::postEvent(&receiver,
                                    new ProbeReceiver::ProbeEvent(now, threadCpuNs(), threadRunQueueWaitNs()));
        QTimer::singleShot(0, &receiver, [&, now] {
            if (receiver.recording)
                timerDelaysMs.push_back(double(clock.nsecsElapsed() - now) / 1e6);
        });
    });
    probe.start();

    TrainingSession *session = window.session();
    QObject::connect(session, &TrainingSession::stateChanged, &receiver, [&](TrainingSession::State state) {
        receiver.recording = state == TrainingSession::State::Training;
        app.recording = receiver.recording;
    });
    int exitCode = 1;
    QObject::connect(session, &TrainingSession::finished, &app, [&](bool ok, const QString &message) {
        receiver.recording = false;
        app.recording = false;
        const TimingSummary s = session->summary();
        std::printf("run: %s\nthroughput: %.1f samples/s over %.2f s wall; %s\n", qPrintable(message),
                    s.samplesPerSecond, s.wallSeconds, qPrintable(s.verdict));
        std::printf("GUI event loop while training (dashboard %s, probe every %d ms):\n",
                    dashboardVisible ? "visible" : "hidden", kProbeIntervalMs);
        print("posted event delay", receiver.postedDelaysMs);
        print("0 ms timer delay", timerDelaysMs);
        const LateProbes &late = receiver.late;
        if (late.count > 0) {
            const double other = std::max(0.0, late.delayMs - late.onCpuMs - late.runQueueMs);
            std::printf("posted events late by > %.0f ms: %d, %.0f ms in all: GUI thread on the CPU %.0f %%, "
                        "waiting for a CPU %.0f %%, neither %.0f %%\n",
                        kLateMs, late.count, late.delayMs, 100 * late.onCpuMs / late.delayMs,
                        100 * late.runQueueMs / late.delayMs, 100 * other / late.delayMs);
        }
        std::printf("agent busy %.0f %% of the wall time; probes fired %.0f a second\n", 100 * s.agentBusyFraction,
                    s.wallSeconds > 0 ? double(receiver.postedDelaysMs.size()) / s.wallSeconds : 0.0);
        std::vector<std::pair<QString, TimedApplication::Long>> longest;
        for (auto it = app.longEvents.cbegin(); it != app.longEvents.cend(); ++it)
            longest.emplace_back(it.key(), it.value());
        std::sort(longest.begin(), longest.end(),
                  [](const auto &a, const auto &b) { return a.second.totalMs > b.second.totalMs; });
        std::printf("GUI-thread events over 4 ms (receiver, QEvent::Type: count, total, max):\n");
        for (std::size_t i = 0; i < std::min<std::size_t>(6, longest.size()); ++i)
            std::printf("  %-40s %5d  %8.1f ms  %6.1f ms\n", qPrintable(longest[i].first), longest[i].second.count,
                        longest[i].second.totalMs, longest[i].second.maxMs);
        std::fflush(stdout);
        exitCode = ok ? 0 : 1;
        QCoreApplication::exit(exitCode);
    });
    window.openDataset(QFileInfo(parser.value(dataset)).absoluteFilePath(), true);
    const int code = QApplication::exec();
    return code == 0 ? exitCode : code;
}
