#include "train_command.h"

#include "auth.h"
#include "common/duration_format.h"
#include "session/training_session.h"
#include "terminal_progress.h"
#include "report/report_exporter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocale>
#include <QThread>

#include <cstdio>

namespace tandem {

namespace {

struct Parsed {
    TrainingOptions options;
    QString reportDir;
    QString error;
};

bool parseSize(const QString &text, int *width, int *height)
{
    const QStringList parts = text.toLower().split(QLatin1Char('x'));
    bool okW = false;
    bool okH = false;
    if (parts.size() == 1) {
        *width = *height = parts[0].toInt(&okW);
        return okW;
    }
    if (parts.size() != 2)
        return false;
    *width = parts[0].toInt(&okW);
    *height = parts[1].toInt(&okH);
    return okW && okH;
}

Parsed parse(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Trains an image classifier: this computer preprocesses, tandem-agent trains (here or on a remote GPU)."));
    p.addHelpOption();
    const QCommandLineOption data(
        {QStringLiteral("d"), QStringLiteral("data")},
        QStringLiteral("Dataset folder: class folders, or train/ and val/ with class folders."), QStringLiteral("DIR"));
    const QCommandLineOption agent(
        QStringLiteral("agent"),
        QStringLiteral("local (start tandem-agent here, the default), ws://HOST:PORT or wss://URL (dial an agent), or "
                       "listen[:PORT] (wait for the agent to dial in)."),
        QStringLiteral("WHERE"), QStringLiteral("local"));
    const QCommandLineOption secretFile(QStringLiteral("secret-file"),
                                        QStringLiteral("Shared secret for a remote agent (else $TANDEM_SECRET)."),
                                        QStringLiteral("PATH"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("Epochs (default 3)."),
                                    QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."),
                                   QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Input size, N or WxH (default 224)."),
                                  QStringLiteral("SIZE"), QStringLiteral("224"));
    const QCommandLineOption color(QStringLiteral("color"), QStringLiteral("rgb or gray (default rgb)."),
                                   QStringLiteral("MODE"), QStringLiteral("rgb"));
    const QCommandLineOption crop(
        QStringLiteral("crop"), QStringLiteral("center or random (random-resized crop) for training (default center)."),
        QStringLiteral("MODE"), QStringLiteral("center"));
    const QCommandLineOption scaleMin(QStringLiteral("crop-scale-min"),
                                      QStringLiteral("Smallest area fraction of a random-resized crop (default 0.08)."),
                                      QStringLiteral("F"), QStringLiteral("0.08"));
    const QCommandLineOption flip(QStringLiteral("flip"), QStringLiteral("Random horizontal flips for training."));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("auto, cnn or resnet18 (auto: cnn up to 64 px)."),
                                   QStringLiteral("NAME"), QStringLiteral("auto"));
    const QCommandLineOption lr(QStringLiteral("lr"),
                                QStringLiteral("Learning rate (default 0.05 for SGD, 0.001 for AdamW)."),
                                QStringLiteral("LR"));
    const QCommandLineOption optimizer(QStringLiteral("optimizer"), QStringLiteral("sgd or adamw (default sgd)."),
                                       QStringLiteral("NAME"), QStringLiteral("sgd"));
    const QCommandLineOption momentum(QStringLiteral("momentum"), QStringLiteral("SGD momentum (default 0.9)."),
                                      QStringLiteral("M"), QStringLiteral("0.9"));
    const QCommandLineOption weightDecay(QStringLiteral("weight-decay"), QStringLiteral("Weight decay (default 0)."),
                                         QStringLiteral("W"), QStringLiteral("0"));
    const QCommandLineOption seed(QStringLiteral("seed"),
                                  QStringLiteral("Seed of the split, order and augmentation (default 0)."),
                                  QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption valFraction(
        QStringLiteral("val-fraction"),
        QStringLiteral("Validation fraction when there is no val/ folder (default 0.1)."), QStringLiteral("F"),
        QStringLiteral("0.1"));
    const QCommandLineOption perClass(QStringLiteral("per-class"),
                                      QStringLiteral("Use at most N images per class (default all)."),
                                      QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Preprocessing threads (default: all cores)."), QStringLiteral("N"),
                                     QStringLiteral("0"));
    const QCommandLineOption device(QStringLiteral("device"),
                                    QStringLiteral("auto, cpu or cuda, on the agent (default auto)."),
                                    QStringLiteral("NAME"), QStringLiteral("auto"));
    const QCommandLineOption precision(QStringLiteral("precision"),
                                       QStringLiteral("auto, fp32 or bf16 (default auto: bf16 on CUDA)."),
                                       QStringLiteral("NAME"), QStringLiteral("auto"));
    const QCommandLineOption weights(
        QStringLiteral("weights"),
        QStringLiteral("Where to save the trained weights (default tandem-weights.pt; 'none' to skip)."),
        QStringLiteral("PATH"), QStringLiteral("tandem-weights.pt"));
    const QCommandLineOption report(
        QStringLiteral("report"),
        QStringLiteral("Write timing reports (CSV, JSON, trace, HTML, PDF) and the session file to DIR."),
        QStringLiteral("DIR"));
    const QCommandLineOption dataPath(
        QStringLiteral("data-path"),
        QStringLiteral("Run every stage but forward, backward and the optimiser step: can this computer and the "
                       "link feed the agent? Nothing is trained, no weights are saved."));
    const QCommandLineOption agentProgram(QStringLiteral("agent-program"),
                                          QStringLiteral("tandem-agent to start in local mode."),
                                          QStringLiteral("PATH"));
    p.addOptions({data,    agent,  secretFile, epochs,    batch,    size,         color,   crop,        scaleMin,
                  flip,    model,  lr,         optimizer, momentum, weightDecay,  seed,    valFraction, perClass,
                  threads, device, precision,  weights,   report,   agentProgram, dataPath});
    p.process(arguments);

    Parsed out;
    TrainingOptions &o = out.options;
    auto number = [&out](const QCommandLineParser &parser, const QCommandLineOption &option, double lo, double hi) {
        bool ok = false;
        const double value = parser.value(option).toDouble(&ok);
        if (!ok || value < lo || value > hi)
            out.error = QStringLiteral("--%1 %2: expected a number from %3 to %4")
                            .arg(option.names().constLast(), parser.value(option))
                            .arg(lo)
                            .arg(hi);
        return value;
    };
    if (!p.isSet(data)) {
        out.error = QStringLiteral("--data DIR is required (try `tandem sample-data --out DIR` for a sample dataset)");
        return out;
    }
    o.datasetRoot = QFileInfo(p.value(data)).absoluteFilePath();
    o.epochs = int(number(p, epochs, 1, 100000));
    o.batchSize = int(number(p, batch, 1, 4096));
    if (!parseSize(p.value(size), &o.preprocess.width, &o.preprocess.height))
        out.error = QStringLiteral("--size %1: expected N or WxH").arg(p.value(size));
    const QString colorMode = p.value(color).toLower();
    if (colorMode != QLatin1String("rgb") && colorMode != QLatin1String("gray"))
        out.error = QStringLiteral("--color %1: expected rgb or gray").arg(colorMode);
    o.preprocess.color =
        colorMode == QLatin1String("gray") ? PreprocessOptions::Color::Gray : PreprocessOptions::Color::Rgb;
    const QString cropMode = p.value(crop).toLower();
    if (cropMode != QLatin1String("center") && cropMode != QLatin1String("random"))
        out.error = QStringLiteral("--crop %1: expected center or random").arg(cropMode);
    o.preprocess.crop =
        cropMode == QLatin1String("random") ? PreprocessOptions::Crop::RandomResized : PreprocessOptions::Crop::Center;
    o.preprocess.scaleMin = number(p, scaleMin, 0.01, 1.0);
    o.preprocess.horizontalFlip = p.isSet(flip);
    if (const QString problem = o.preprocess.validate(); !problem.isEmpty())
        out.error = problem;
    o.model = p.value(model);
    o.optimizer = p.value(optimizer).toLower();
    o.learningRate = o.optimizer == QLatin1String("adamw") ? 0.001 : 0.05;
    if (p.isSet(lr))
        o.learningRate = number(p, lr, 1e-8, 10.0);
    o.momentum = number(p, momentum, 0.0, 1.0);
    o.weightDecay = number(p, weightDecay, 0.0, 1.0);
    o.seed = p.value(seed).toULongLong();
    o.index.seed = o.seed;
    o.index.valFraction = number(p, valFraction, 0.0, 0.9);
    o.index.perClassLimit = int(number(p, perClass, 0, 1e9));
    o.threads = int(number(p, threads, 0, 1024));
    o.device = p.value(device);
    o.precision = p.value(precision);
    o.agentProgram = p.value(agentProgram);
    o.dataPathOnly = p.isSet(dataPath);
    o.weightsPath = p.value(weights) == QLatin1String("none") || o.dataPathOnly
                        ? QString()
                        : QFileInfo(p.value(weights)).absoluteFilePath();
    out.reportDir = p.value(report);

    const QString where = p.value(agent);
    if (where == QLatin1String("local")) {
        o.agentMode = AgentMode::Local;
    } else if (where.startsWith(QLatin1String("listen"))) {
        o.agentMode = AgentMode::Listen;
        o.listenHost = QStringLiteral("0.0.0.0");
        if (where.startsWith(QLatin1String("listen:")))
            o.listenPort = quint16(where.mid(7).toUInt());
    } else {
        o.agentMode = AgentMode::Dial;
        o.agentUrl = QUrl(where);
        if (!o.agentUrl.isValid() ||
            (o.agentUrl.scheme() != QLatin1String("ws") && o.agentUrl.scheme() != QLatin1String("wss")))
            out.error = QStringLiteral("--agent %1: expected local, listen[:PORT], ws://… or wss://…").arg(where);
        if (!o.agentUrl.userInfo().isEmpty() || o.agentUrl.hasQuery())
            out.error =
                QStringLiteral("--agent: the secret must not travel in the URL; use --secret-file or $TANDEM_SECRET");
    }
    if (o.agentMode != AgentMode::Local) {
        const auto source = protocol::auth::loadSecret(p.value(secretFile));
        if (!source.error.isEmpty())
            out.error = source.error;
        o.secret = source.secret;
    }
    return out;
}

void printSummary(const TrainingSession &session, FILE *out)
{
    const RunRecord &record = session.record();
    const TimingSummary s = session.summary();
    std::fprintf(out, "\n");
    if (session.agentInfo() && session.agentInfo()->dataPath)
        std::fprintf(out, "data-path mode: every stage ran but forward, backward and the step; nothing was trained\n");
    for (const EpochPoint &e : record.epochs)
        std::fprintf(out, "epoch %u %-5s  loss %.4f  accuracy %5.1f%%  (%u samples)\n", e.epoch + 1,
                     protocol::splitName(e.split), double(e.meanLoss), 100.0 * double(e.accuracy), e.samples);
    std::fprintf(out, "\nthroughput: %.1f samples/s over %s wall time, %s per sample on the wire\n", s.samplesPerSecond,
                 qPrintable(formatDuration(s.wallSeconds, DurationStyle::Words)),
                 qPrintable(QLocale::c().formattedDataSize(qint64(s.wireBytesPerSample))));
    std::fprintf(out, "\nstage             host     busy      share   mean ms    p95 ms\n");
    for (const StageStats &st : s.stages) {
        const auto &info = protocol::stageInfo(st.stage);
        const char *host = info.host == protocol::Host::Client  ? "desktop"
                           : info.host == protocol::Host::Agent ? "agent"
                                                                : "network";
        std::fprintf(out, "%-17s %-8s %8s  %5.1f%%  %8.2f  %8.2f\n", std::string(info.label).c_str(), host,
                     qPrintable(formatDuration(st.busyMs / 1000.0, DurationStyle::Words)), 100.0 * st.busyFraction,
                     st.meanMs, st.p95Ms);
    }
    std::fprintf(
        out,
        "\noverlap: wall %s; run one after another the stages would take %s (overlap gain %.2f×);\n"
        "         slowest resource (%s) busy %s, wall ÷ that %.2f (1.00 = wall time equals the slowest resource)\n",
        qPrintable(formatDuration(s.wallSeconds, DurationStyle::Words)),
        qPrintable(formatDuration(s.sequentialSeconds, DurationStyle::Words)), s.sequentialOverWall,
        qPrintable(s.slowestResource), qPrintable(formatDuration(s.slowestStageBusySeconds, DurationStyle::Words)),
        s.overlapEfficiency);
    std::fprintf(out, "clock offset to the agent %.3f ms ± %.3f ms\n", double(record.clockOffsetNs) / 1e6,
                 s.uncertaintyMs);
    if (!s.verdict.isEmpty())
        std::fprintf(out, "verdict: %s\n", qPrintable(s.verdict));
}

} // namespace

int runTrainCommand(const QStringList &arguments)
{
    const Parsed parsed = parse(arguments);
    if (!parsed.error.isEmpty()) {
        std::fprintf(stderr, "tandem train: %s\n", qPrintable(parsed.error));
        return 2;
    }
    TrainingSession session;
    TerminalProgress bar;
    float lastLoss = 0.F;
    float lastRate = 0.F;
    QElapsedTimer sinceFirst;
    int skipped = 0;
    int exitCode = 1;

    QObject::connect(&session, &TrainingSession::statusMessage, &session, [&bar](const QString &m) { bar.message(m); });
    QObject::connect(&session, &TrainingSession::sampleFailed, &session, [&bar, &skipped](const SkippedFile &f) {
        if (++skipped <= 20)
            bar.message(QStringLiteral("skipped %1: %2").arg(QDir::toNativeSeparators(f.path), f.reason));
        else if (skipped == 21)
            bar.message(QStringLiteral("(further skipped files are counted, not listed)"));
    });
    QObject::connect(&session, &TrainingSession::stepMetrics, &session, [&](const StepPoint &p) {
        lastLoss = p.loss;
        lastRate = p.samplesPerSecond;
    });
    QObject::connect(&session, &TrainingSession::epochMetrics, &session, [&bar](const EpochPoint &e) {
        bar.message(QStringLiteral("epoch %1 %2: loss %3, accuracy %4%")
                        .arg(e.epoch + 1)
                        .arg(QLatin1String(protocol::splitName(e.split)))
                        .arg(double(e.meanLoss), 0, 'f', 4)
                        .arg(100.0 * double(e.accuracy), 0, 'f', 1));
    });
    QObject::connect(&session, &TrainingSession::progress, &session,
                     [&](qint64 done, qint64 total, int epoch, int epochsTotal) {
                         if (parsed.options.dataPathOnly) {
                             // No step metrics in data-path mode: the rate is what arrived so far.
                             if (!sinceFirst.isValid())
                                 sinceFirst.start();
                             const double seconds = double(std::max<qint64>(sinceFirst.elapsed(), 1)) / 1000.0;
                             bar.update(done, total,
                                        QStringLiteral("epoch %1/%2  data path  %3 samples/s")
                                            .arg(epoch + 1)
                                            .arg(epochsTotal)
                                            .arg(double(done) / seconds, 0, 'f', 0));
                             return;
                         }
                         bar.update(done, total,
                                    QStringLiteral("epoch %1/%2  loss %3  %4 img/s")
                                        .arg(epoch + 1)
                                        .arg(epochsTotal)
                                        .arg(double(lastLoss), 0, 'f', 3)
                                        .arg(double(lastRate), 0, 'f', 0));
                     });
    QObject::connect(&session, &TrainingSession::weightsSaved, &session, [&bar](const QString &path, qint64 bytes) {
        bar.message(QStringLiteral("weights saved to %1 (%2)").arg(path, QLocale::c().formattedDataSize(bytes)));
    });
    bool weightsNotSaved = false;
    QObject::connect(&session, &TrainingSession::weightsNotSaved, &session,
                     [&](const QString &path, const QString &error) {
                         weightsNotSaved = true;
                         bar.message(QStringLiteral("the weights could not be saved to %1: %2").arg(path, error));
                     });
    QObject::connect(&session, &TrainingSession::finished, &session, [&](bool ok, const QString &message) {
        bar.finish();
        if (!ok) {
            std::fprintf(stderr, "tandem train: %s\n", qPrintable(message));
            QCoreApplication::exit(1);
            return;
        }
        std::fprintf(stdout, "%s\n", qPrintable(message));
        printSummary(session, stdout);
        if (skipped > 0)
            std::fprintf(stdout, "%d file(s) were skipped (see the messages above)\n", skipped);
        exitCode = weightsNotSaved ? 1 : 0; // asked for weights and did not get them: a script must know
        if (!parsed.reportDir.isEmpty()) {
            const ExportResult result = ReportExporter::exportAll(session.record(), parsed.reportDir,
                                                                  ReportExporter::suggestedBaseName(session.record()));
            for (const QString &written : result.written)
                std::fprintf(stdout, "report: %s\n", qPrintable(written));
            if (!result.ok()) {
                std::fprintf(stderr, "tandem train: report: %s\n", qPrintable(result.error));
                exitCode = 1;
            }
        }
        std::fflush(stdout);
        QCoreApplication::exit(exitCode);
    });

    session.start(parsed.options);
    const int code = QCoreApplication::exec();
    return code == 0 ? exitCode : code;
}

} // namespace tandem
