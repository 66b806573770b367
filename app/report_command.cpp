#include "report_command.h"

#include "report/report_exporter.h"
#include "timing/session_file.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>
#include <optional>

namespace tandem {

namespace {
std::optional<RunRecord> load(const QString &path)
{
    SessionFile::LoadResult loaded = SessionFile::load(path);
    if (!loaded.ok()) {
        std::fprintf(stderr, "tandem report: %s\n", qPrintable(loaded.message));
        return std::nullopt;
    }
    return std::move(loaded.run);
}
} // namespace

int runReportCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Exports the timing reports of a saved run (a .tandem-run.json written by `tandem train --report` or the app) "
        "again, or, given two runs, one HTML report comparing them side by side."));
    p.addHelpOption();
    const QCommandLineOption out(QStringLiteral("out"),
                                 QStringLiteral("Output folder (one run) or HTML file (two runs)."),
                                 QStringLiteral("PATH"));
    p.addOption(out);
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("A saved run."));
    p.addPositionalArgument(QStringLiteral("[OTHER]"), QStringLiteral("A second saved run to compare with."));
    p.process(arguments);
    const QStringList runs = p.positionalArguments();
    if (runs.isEmpty() || runs.size() > 2 || !p.isSet(out)) {
        std::fprintf(stderr, "tandem report: usage: tandem report RUN [OTHER] --out PATH\n");
        return 2;
    }
    const auto first = load(runs[0]);
    if (!first)
        return 1;
    ExportResult result;
    if (runs.size() == 1) {
        result = ReportExporter::exportAll(*first, p.value(out), ReportExporter::suggestedBaseName(*first));
    } else {
        const auto second = load(runs[1]);
        if (!second)
            return 1;
        result = ReportExporter::exportComparison(*first, *second, p.value(out));
    }
    for (const QString &written : result.written)
        std::printf("report: %s\n", qPrintable(written));
    if (!result.ok()) {
        std::fprintf(stderr, "tandem report: %s\n", qPrintable(result.error));
        return 1;
    }
    return 0;
}

} // namespace tandem
