#include "settings_store.h"

#include <QDir>
#include <QJsonDocument>
#include <QSettings>

#include <cmath>

namespace tandem {

namespace {
const QString kRecent = QStringLiteral("dataset/recent");

const char *modeName(AgentMode mode)
{
    switch (mode) {
    case AgentMode::Dial: return "dial";
    case AgentMode::Listen: return "listen";
    case AgentMode::Local: break;
    }
    return "local";
}

AgentMode modeFromName(const QString &name)
{
    if (name == QLatin1String("dial"))
        return AgentMode::Dial;
    if (name == QLatin1String("listen"))
        return AgentMode::Listen;
    return AgentMode::Local;
}

QString oneOf(const QVariant &value, const QStringList &allowed, const QString &fallback)
{
    const QString text = value.toString();
    return allowed.contains(text) ? text : fallback;
}

int intIn(const QVariant &value, int lo, int hi, int fallback)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    return ok && v >= lo && v <= hi ? v : fallback;
}

double doubleIn(const QVariant &value, double lo, double hi, double fallback)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    return ok && std::isfinite(v) && v >= lo && v <= hi ? v : fallback;
}
} // namespace

SettingsStore::SettingsStore(const QString &fileName)
    : m_settings(fileName.isEmpty() ? std::make_unique<QSettings>()
                                    : std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
}

SettingsStore::~SettingsStore() = default;

TrainingOptions SettingsStore::trainingOptions() const
{
    const QSettings &s = *m_settings;
    TrainingOptions o;
    const QByteArray preprocess = s.value(QStringLiteral("preprocess/json")).toByteArray();
    if (!preprocess.isEmpty())
        o.preprocess = PreprocessOptions::fromJson(QJsonDocument::fromJson(preprocess).object());
    o.model = oneOf(s.value(QStringLiteral("training/model")),
                    {QStringLiteral("auto"), QStringLiteral("cnn"), QStringLiteral("resnet18")}, o.model);
    o.epochs = intIn(s.value(QStringLiteral("training/epochs")), 1, 100000, o.epochs);
    o.batchSize = intIn(s.value(QStringLiteral("training/batchSize")), 1, 4096, o.batchSize);
    o.optimizer = oneOf(s.value(QStringLiteral("training/optimizer")), {QStringLiteral("sgd"), QStringLiteral("adamw")},
                        o.optimizer);
    o.learningRate = doubleIn(s.value(QStringLiteral("training/learningRate")), 1e-8, 10.0, o.learningRate);
    o.momentum = doubleIn(s.value(QStringLiteral("training/momentum")), 0.0, 1.0, o.momentum);
    o.weightDecay = doubleIn(s.value(QStringLiteral("training/weightDecay")), 0.0, 1.0, o.weightDecay);
    o.seed = s.value(QStringLiteral("training/seed"), QVariant::fromValue(o.seed)).toULongLong();
    o.index.seed = o.seed;
    o.index.valFraction = doubleIn(s.value(QStringLiteral("training/valFraction")), 0.0, 0.9, o.index.valFraction);
    o.index.perClassLimit =
        intIn(s.value(QStringLiteral("training/perClassLimit")), 0, 1'000'000'000, o.index.perClassLimit);
    o.threads = intIn(s.value(QStringLiteral("training/threads")), 0, 1024, o.threads);
    o.device = oneOf(s.value(QStringLiteral("training/device")),
                     {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}, o.device);
    o.precision = oneOf(s.value(QStringLiteral("training/precision")),
                        {QStringLiteral("auto"), QStringLiteral("fp32"), QStringLiteral("bf16")}, o.precision);
    o.weightsPath = s.value(QStringLiteral("training/weightsPath")).toString();

    o.agentMode = modeFromName(s.value(QStringLiteral("agent/mode")).toString());
    o.agentUrl = QUrl(s.value(QStringLiteral("agent/url")).toString());
    o.listenHost = oneOf(s.value(QStringLiteral("agent/listenHost")),
                         {QStringLiteral("127.0.0.1"), QStringLiteral("0.0.0.0")}, o.listenHost);
    o.listenPort = quint16(intIn(s.value(QStringLiteral("agent/listenPort")), 0, 65535, o.listenPort));
    return o;
}

void SettingsStore::setTrainingOptions(const TrainingOptions &o)
{
    QSettings &s = *m_settings;
    s.setValue(QStringLiteral("preprocess/json"), QJsonDocument(o.preprocess.toJson()).toJson(QJsonDocument::Compact));
    s.setValue(QStringLiteral("training/model"), o.model);
    s.setValue(QStringLiteral("training/epochs"), o.epochs);
    s.setValue(QStringLiteral("training/batchSize"), o.batchSize);
    s.setValue(QStringLiteral("training/optimizer"), o.optimizer);
    s.setValue(QStringLiteral("training/learningRate"), o.learningRate);
    s.setValue(QStringLiteral("training/momentum"), o.momentum);
    s.setValue(QStringLiteral("training/weightDecay"), o.weightDecay);
    s.setValue(QStringLiteral("training/seed"), QVariant::fromValue(o.seed));
    s.setValue(QStringLiteral("training/valFraction"), o.index.valFraction);
    s.setValue(QStringLiteral("training/perClassLimit"), o.index.perClassLimit);
    s.setValue(QStringLiteral("training/threads"), o.threads);
    s.setValue(QStringLiteral("training/device"), o.device);
    s.setValue(QStringLiteral("training/precision"), o.precision);
    s.setValue(QStringLiteral("training/weightsPath"), o.weightsPath);
    s.setValue(QStringLiteral("agent/mode"), QLatin1String(modeName(o.agentMode)));
    // A URL never carries the secret (the session refuses one that does); strip it anyway.
    s.setValue(QStringLiteral("agent/url"), o.agentUrl.toString(QUrl::RemoveUserInfo));
    s.setValue(QStringLiteral("agent/listenHost"), o.listenHost);
    s.setValue(QStringLiteral("agent/listenPort"), int(o.listenPort));
}

bool SettingsStore::hasPreprocessOptions() const
{
    return m_settings->contains(QStringLiteral("preprocess/json"));
}

bool SettingsStore::saveWeights() const
{
    return m_settings->value(QStringLiteral("training/saveWeights"), true).toBool();
}

void SettingsStore::setSaveWeights(bool save)
{
    m_settings->setValue(QStringLiteral("training/saveWeights"), save);
}

QStringList SettingsStore::recentDatasets() const
{
    return m_settings->value(kRecent).toStringList();
}

void SettingsStore::addRecentDataset(const QString &path)
{
    const QString clean = QDir::cleanPath(path);
    QStringList recent = recentDatasets();
    recent.removeAll(clean);
    recent.prepend(clean);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    m_settings->setValue(kRecent, recent);
}

void SettingsStore::removeRecentDataset(const QString &path)
{
    QStringList recent = recentDatasets();
    recent.removeAll(QDir::cleanPath(path));
    m_settings->setValue(kRecent, recent);
}

void SettingsStore::clearRecentDatasets()
{
    m_settings->remove(kRecent);
}

QVariant SettingsStore::uiValue(const QString &key, const QVariant &defaultValue) const
{
    return m_settings->value(QStringLiteral("ui/") + key, defaultValue);
}

void SettingsStore::setUiValue(const QString &key, const QVariant &value)
{
    m_settings->setValue(QStringLiteral("ui/") + key, value);
}

void SettingsStore::sync()
{
    m_settings->sync();
}

QString SettingsStore::fileName() const
{
    return m_settings->fileName();
}

} // namespace tandem
