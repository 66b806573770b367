#include "run_settings.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

namespace tandem {

protocol::SessionConfig RunSettings::sessionConfig(const TrainingOptions &options, const DatasetIndex &index,
                                                   const EpochPlan &plan)
{
    protocol::SessionConfig c;
    c.model = options.model;
    c.classNames = index.classNames();
    const PreprocessOptions &p = options.preprocess;
    c.channels = p.channels();
    c.height = p.height;
    c.width = p.width;
    c.batchSize = options.batchSize;
    c.epochs = options.epochs;
    c.optimizer = options.optimizer;
    c.learningRate = options.learningRate;
    c.momentum = options.momentum;
    c.weightDecay = options.weightDecay;
    c.seed = options.seed;
    if (c.channels == 1) {
        c.mean = {0.5, 0.5, 0.5};
        c.std = {0.5, 0.5, 0.5};
    }
    c.device = options.device;
    c.precision = options.precision;
    c.stepsPerEpoch = plan.batchCount(SampleSplit::Train);
    c.dataPathOnly = options.dataPathOnly;
    return c;
}

QJsonObject RunSettings::json(const TrainingOptions &options, const DatasetIndex &index, const EpochPlan *plan)
{
    QJsonObject o;
    o[QStringLiteral("dataset")] = QDir::toNativeSeparators(options.datasetRoot);
    o[QStringLiteral("classes")] = QJsonArray::fromStringList(index.classNames());
    o[QStringLiteral("trainSamples")] = double(plan ? plan->sampleCount(SampleSplit::Train) : 0);
    o[QStringLiteral("valSamples")] = double(plan ? plan->sampleCount(SampleSplit::Val) : 0);
    o[QStringLiteral("skippedFiles")] = int(index.skipped().size());
    o[QStringLiteral("preprocessing")] = options.preprocess.toJson();
    o[QStringLiteral("preprocessThreads")] = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    o[QStringLiteral("session")] =
        QJsonDocument::fromJson(plan ? sessionConfig(options, index, *plan).toJson() : QByteArray()).object();
    const char *modes[] = {"local", "dial", "listen"};
    o[QStringLiteral("agentMode")] = QLatin1String(modes[int(options.agentMode)]);
    if (options.agentMode == AgentMode::Dial)
        o[QStringLiteral("agentUrl")] = options.agentUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    return o;
}

} // namespace tandem
