#include "session_config.h"

#include <QJsonArray>
#include <algorithm>
#include <QJsonDocument>
#include <QJsonObject>

namespace tandem::protocol {

namespace {
QJsonArray toArray(const std::array<double, 3> &values)
{
    return QJsonArray{values[0], values[1], values[2]};
}

bool readTriple(const QJsonObject &o, const QString &key, std::array<double, 3> &out, QString *error)
{
    if (!o.contains(key))
        return true;
    const QJsonArray array = o.value(key).toArray();
    if (array.size() != 3) {
        *error = QStringLiteral("\"%1\" must hold three numbers").arg(key);
        return false;
    }
    for (int i = 0; i < 3; ++i)
        out[i] = array[i].toDouble();
    return true;
}

std::optional<QJsonObject> parseObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("invalid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("JSON document is not an object");
        return std::nullopt;
    }
    return doc.object();
}
} // namespace

QString SessionConfig::resolvedModel() const
{
    if (model != QLatin1String("auto"))
        return model;
    return std::min(height, width) <= 64 ? QStringLiteral("cnn") : QStringLiteral("resnet18");
}

QByteArray SessionConfig::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("model")] = model;
    o[QStringLiteral("classNames")] = QJsonArray::fromStringList(classNames);
    o[QStringLiteral("channels")] = channels;
    o[QStringLiteral("height")] = height;
    o[QStringLiteral("width")] = width;
    o[QStringLiteral("batchSize")] = batchSize;
    o[QStringLiteral("epochs")] = epochs;
    o[QStringLiteral("optimizer")] = optimizer;
    o[QStringLiteral("learningRate")] = learningRate;
    o[QStringLiteral("momentum")] = momentum;
    o[QStringLiteral("weightDecay")] = weightDecay;
    o[QStringLiteral("seed")] = QString::number(seed);
    o[QStringLiteral("mean")] = toArray(mean);
    o[QStringLiteral("std")] = toArray(std);
    o[QStringLiteral("device")] = device;
    o[QStringLiteral("precision")] = precision;
    o[QStringLiteral("deviceFlip")] = deviceFlip;
    o[QStringLiteral("stepsPerEpoch")] = stepsPerEpoch;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<SessionConfig> SessionConfig::fromJson(const QByteArray &json, QString *error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    const QJsonObject &o = *object;
    SessionConfig c;
    c.model = o.value(QStringLiteral("model")).toString(c.model);
    for (const QJsonValue &name : o.value(QStringLiteral("classNames")).toArray())
        c.classNames << name.toString();
    c.channels = o.value(QStringLiteral("channels")).toInt(c.channels);
    c.height = o.value(QStringLiteral("height")).toInt(c.height);
    c.width = o.value(QStringLiteral("width")).toInt(c.width);
    c.batchSize = o.value(QStringLiteral("batchSize")).toInt(c.batchSize);
    c.epochs = o.value(QStringLiteral("epochs")).toInt(c.epochs);
    c.optimizer = o.value(QStringLiteral("optimizer")).toString(c.optimizer);
    c.learningRate = o.value(QStringLiteral("learningRate")).toDouble(c.learningRate);
    c.momentum = o.value(QStringLiteral("momentum")).toDouble(c.momentum);
    c.weightDecay = o.value(QStringLiteral("weightDecay")).toDouble(c.weightDecay);
    c.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    c.device = o.value(QStringLiteral("device")).toString(c.device);
    c.precision = o.value(QStringLiteral("precision")).toString(c.precision);
    c.deviceFlip = o.value(QStringLiteral("deviceFlip")).toBool(c.deviceFlip);
    c.stepsPerEpoch = o.value(QStringLiteral("stepsPerEpoch")).toInt(c.stepsPerEpoch);
    if (!readTriple(o, QStringLiteral("mean"), c.mean, error) || !readTriple(o, QStringLiteral("std"), c.std, error))
        return std::nullopt;

    const QStringList models{QStringLiteral("auto"), QStringLiteral("cnn"), QStringLiteral("resnet18")};
    if (!models.contains(c.model))
        *error = QStringLiteral("unknown model \"%1\" (expected %2)").arg(c.model, models.join(QStringLiteral(", ")));
    else if (c.classNames.size() < 2 || c.classNames.size() > 100000)
        *error = QStringLiteral("%1 classes: a classifier needs 2 to 100000").arg(c.classNames.size());
    else if (c.channels != 1 && c.channels != 3)
        *error = QStringLiteral("%1 channels: expected 1 (gray) or 3 (RGB)").arg(c.channels);
    else if (c.height < 8 || c.width < 8 || c.height > 4096 || c.width > 4096)
        *error = QStringLiteral("input size %1×%2 is out of range (8 to 4096)").arg(c.width).arg(c.height);
    else if (c.batchSize < 1 || c.batchSize > 4096)
        *error = QStringLiteral("batch size %1 is out of range (1 to 4096)").arg(c.batchSize);
    else if (c.epochs < 1)
        *error = QStringLiteral("%1 epochs: at least one is needed").arg(c.epochs);
    else if (c.optimizer != QLatin1String("sgd") && c.optimizer != QLatin1String("adamw"))
        *error = QStringLiteral("unknown optimizer \"%1\" (expected sgd or adamw)").arg(c.optimizer);
    else if (!(c.learningRate > 0.0 && c.learningRate < 100.0))
        *error = QStringLiteral("learning rate %1 is out of range").arg(c.learningRate);
    else if (c.device != QLatin1String("auto") && c.device != QLatin1String("cpu") && c.device != QLatin1String("cuda"))
        *error = QStringLiteral("unknown device \"%1\" (expected auto, cpu or cuda)").arg(c.device);
    else if (c.precision != QLatin1String("auto") && c.precision != QLatin1String("fp32") &&
             c.precision != QLatin1String("bf16"))
        *error = QStringLiteral("unknown precision \"%1\" (expected auto, fp32 or bf16)").arg(c.precision);
    else if (std::any_of(c.std.begin(), c.std.end(), [](double s) { return !(s > 0.0); }))
        *error = QStringLiteral("normalisation std must be positive");
    else
        return c;
    return std::nullopt;
}

QByteArray SessionInfo::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("device")] = device;
    o[QStringLiteral("model")] = model;
    o[QStringLiteral("parameters")] = double(parameters);
    o[QStringLiteral("torchVersion")] = torchVersion;
    o[QStringLiteral("precision")] = precision;
    o[QStringLiteral("note")] = note;
    o[QStringLiteral("credits")] = credits;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<SessionInfo> SessionInfo::fromJson(const QByteArray &json, QString *error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    const QJsonObject &o = *object;
    SessionInfo info;
    info.device = o.value(QStringLiteral("device")).toString();
    info.model = o.value(QStringLiteral("model")).toString();
    info.parameters = qint64(o.value(QStringLiteral("parameters")).toDouble());
    info.torchVersion = o.value(QStringLiteral("torchVersion")).toString();
    info.precision = o.value(QStringLiteral("precision")).toString();
    info.note = o.value(QStringLiteral("note")).toString();
    info.credits = o.value(QStringLiteral("credits")).toInt();
    if (info.credits < 1 || info.credits > 1024) {
        *error = QStringLiteral("agent granted %1 credits (expected 1 to 1024)").arg(info.credits);
        return std::nullopt;
    }
    return info;
}

} // namespace tandem::protocol
