// tandem: the desktop app, and its headless commands (train, sample-data).
#include "sample_data_command.h"
#include "desktop_app.h"
#include "report_command.h"
#include "train_command.h"

#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <cstring>

namespace {

void printUsage()
{
    std::printf("usage: tandem [COMMAND] [OPTIONS]\n\n"
                "Without a command, opens the desktop app:\n"
                "  --dataset DIR   open this dataset folder at start\n"
                "  --start         start training once the dataset is open\n"
                "  --theme NAME    light or dark\n\n"
                "commands:\n"
                "  train         train headless: preprocess here, train on tandem-agent (tandem train --help)\n"
                "  report        export a saved run's reports again, or compare two runs (tandem report --help)\n"
                "  sample-data   write Fashion-MNIST from Debian's dataset-fashion-mnist as PNG class folders\n"
                "  --version     print the version\n");
}

bool isCommand(const char *arg, const char *name)
{
    return std::strcmp(arg, name) == 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setOrganizationName(QStringLiteral("Tandem"));
    QCoreApplication::setApplicationName(QStringLiteral("tandem"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION_STRING));

    if (argc > 1 && (isCommand(argv[1], "--version") || isCommand(argv[1], "-v"))) {
        std::printf("tandem %s\n", TANDEM_VERSION_STRING);
        return 0;
    }
    if (argc > 1 && (isCommand(argv[1], "--help") || isCommand(argv[1], "-h") || isCommand(argv[1], "help"))) {
        printUsage();
        return 0;
    }
    if (argc > 1 &&
        (isCommand(argv[1], "train") || isCommand(argv[1], "sample-data") || isCommand(argv[1], "report"))) {
        // Headless commands still render PDF reports, which needs a GUI application object;
        // the offscreen platform needs no display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        // The commands say what happens in their own words; the log categories repeat it.
        // QT_LOGGING_RULES=tandem.*=true brings them back.
        if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
            QLoggingCategory::setFilterRules(QStringLiteral("tandem.*=false\nqt.qpa.*=false"));
        QGuiApplication app(argc, argv);
        QStringList arguments = QCoreApplication::arguments();
        arguments.removeAt(1); // the command name; QCommandLineParser sees the options only
        if (isCommand(argv[1], "train"))
            return tandem::runTrainCommand(arguments);
        if (isCommand(argv[1], "report"))
            return tandem::runReportCommand(arguments);
        return tandem::runSampleDataCommand(arguments);
    }
    // Options (--dataset DIR, --start, Qt's own -style …) belong to the desktop app.
    if (argc > 1 && argv[1][0] != '-') {
        std::fprintf(stderr, "tandem: unknown command '%s'\n\n", argv[1]);
        printUsage();
        return 2;
    }
    return tandem::runDesktopApp(argc, argv);
}
