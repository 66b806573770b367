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

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace tandem;

namespace {

constexpr int kProbeIntervalMs = 2;
const QEvent::Type kProbeEvent = QEvent::Type(QEvent::User + 17);

// Receives the posted probes on the GUI thread; the event carries when it was posted.
class ProbeReceiver : public QObject {
public:
    struct ProbeEvent : QEvent {
        explicit ProbeEvent(qint64 postedNs) : QEvent(kProbeEvent), postedNs(postedNs) {}
        qint64 postedNs;
    };

    explicit ProbeReceiver(const QElapsedTimer &clock) : m_clock(clock) {}
    bool event(QEvent *e) override
    {
        if (e->type() != kProbeEvent)
            return QObject::event(e);
        if (recording)
            postedDelaysMs.push_back(double(m_clock.nsecsElapsed() - static_cast<ProbeEvent *>(e)->postedNs) / 1e6);
        return true;
    }

    bool recording = false;
    std::vector<double> postedDelaysMs;

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

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
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
        QCoreApplication::postEvent(&receiver, new ProbeReceiver::ProbeEvent(now));
        QTimer::singleShot(0, &receiver, [&, now] {
            if (receiver.recording)
                timerDelaysMs.push_back(double(clock.nsecsElapsed() - now) / 1e6);
        });
    });
    probe.start();

    TrainingSession *session = window.session();
    QObject::connect(session, &TrainingSession::stateChanged, &receiver, [&](TrainingSession::State state) {
        receiver.recording = state == TrainingSession::State::Training;
    });
    int exitCode = 1;
    QObject::connect(session, &TrainingSession::finished, &app, [&](bool ok, const QString &message) {
        receiver.recording = false;
        const TimingSummary s = session->summary();
        std::printf("run: %s\nthroughput: %.1f samples/s over %.2f s wall; %s\n", qPrintable(message),
                    s.samplesPerSecond, s.wallSeconds, qPrintable(s.verdict));
        std::printf("GUI event loop while training (dashboard %s, probe every %d ms):\n",
                    dashboardVisible ? "visible" : "hidden", kProbeIntervalMs);
        print("posted event delay", receiver.postedDelaysMs);
        print("0 ms timer delay", timerDelaysMs);
        std::fflush(stdout);
        exitCode = ok ? 0 : 1;
        QCoreApplication::exit(exitCode);
    });
    window.openDataset(QFileInfo(parser.value(dataset)).absoluteFilePath(), true);
    const int code = QApplication::exec();
    return code == 0 ? exitCode : code;
}
