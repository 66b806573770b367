// The desktop app: QApplication, command-line options, the main window.
#include "desktop_app.h"

#include "main_window.h"
#include "session/training_session.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace tandem {

int runDesktopApp(int &argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Tandem"));
    QApplication::setDesktopFileName(QStringLiteral("tandem"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Tandem: preprocess images on this computer while a GPU (here or remote) trains on them."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataset({QStringLiteral("d"), QStringLiteral("dataset")},
                                     QStringLiteral("Open this dataset folder at start."), QStringLiteral("DIR"));
    const QCommandLineOption start(
        QStringLiteral("start"),
        QStringLiteral("Start training as soon as the dataset is open (with the saved settings)."));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("light or dark (default: as last time)."),
                                   QStringLiteral("NAME"));
    const QCommandLineOption quitWhenDone(
        QStringLiteral("quit-when-done"),
        QStringLiteral("With --start: quit when the run ends and print its throughput (for scripts and benchmarks)."));
    parser.addOptions({dataset, start, theme, quitWhenDone});
    parser.process(app);

    Theme::apply(Theme::Mode::Light);
    QApplication::setWindowIcon(Theme::icon(QStringLiteral("tandem")));

    MainWindow window;
    if (parser.isSet(theme))
        Theme::apply(Theme::modeFromName(parser.value(theme)));
    window.show();

    bool opening = false;
    if (parser.isSet(dataset)) {
        const QString dir = QFileInfo(parser.value(dataset)).absoluteFilePath();
        if (!QFileInfo(dir).isDir()) {
            std::fprintf(stderr, "tandem: --dataset %s: not a folder\n", qPrintable(QDir::toNativeSeparators(dir)));
            return 2;
        }
        window.openDataset(dir);
        opening = true;
    } else {
        opening = window.reopenLastDataset();
    }
    if (parser.isSet(start) && parser.isSet(quitWhenDone)) {
        TrainingSession *session = window.session();
        QObject::connect(session, &TrainingSession::finished, &app, [session](bool ok, const QString &message) {
            const TimingSummary s = session->summary();
            std::printf("tandem: %s\nthroughput: %.1f samples/s over %.2f s wall\nverdict: %s\n", qPrintable(message),
                        s.samplesPerSecond, s.wallSeconds, qPrintable(s.verdict));
            std::fflush(stdout);
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
    if (parser.isSet(start)) {
        if (opening)
            window.startRun(); // waits for the index, then trains
        else
            std::fprintf(stderr, "tandem: --start needs a dataset (--dataset DIR)\n");
    }
    return app.exec();
}

} // namespace tandem
