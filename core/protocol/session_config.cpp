#include "session_config.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tandem::protocol {

namespace {
QJsonArray toArray(const std::array<double, 3> &values)
{
    return QJsonArray{values[0], values[1], values[2]};
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a bool");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

// Typed readers: a missing key keeps the default; a present key of the wrong JSON type (or a
// non-integral number where an integer is expected) is an error that names the key. Qt's
// QJsonValue::toInt(default) would silently return the default instead.
class Reader {
public:
    explicit Reader(const QJsonObject &o) : m_o(o) {}

    [[nodiscard]] const QString &error() const { return m_error; }

    void string(const char *key, QString &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        if (!v.isString())
            return fail(key, QStringLiteral("a string"), v);
        out = v.toString();
    }
    void boolean(const char *key, bool &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        if (!v.isBool())
            return fail(key, QStringLiteral("true or false"), v);
        out = v.toBool();
    }
    void number(const char *key, double &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        if (!v.isDouble())
            return fail(key, QStringLiteral("a number"), v);
        out = v.toDouble();
    }
    void integer(const char *key, int &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || d < double(std::numeric_limits<int>::min()) ||
            d > double(std::numeric_limits<int>::max())) {
            if (v.isDouble())
                m_error = QStringLiteral("\"%1\" must be an integer, got %2").arg(QLatin1String(key)).arg(d);
            else
                fail(key, QStringLiteral("an integer"), v);
            return;
        }
        out = int(d);
    }
    void strings(const char *key, QStringList &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        if (!v.isArray())
            return fail(key, QStringLiteral("an array of strings"), v);
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array[i].isString()) {
                m_error = QStringLiteral("\"%1\"[%2] must be a string, got %3")
                              .arg(QLatin1String(key))
                              .arg(i)
                              .arg(jsonTypeName(array[i]));
                return;
            }
            out << array[i].toString();
        }
    }
    void triple(const char *key, std::array<double, 3> &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        const QJsonArray array = v.toArray();
        if (!v.isArray() || array.size() != 3 ||
            std::any_of(array.begin(), array.end(), [](const QJsonValue &x) { return !x.isDouble(); })) {
            m_error = QStringLiteral("\"%1\" must hold three numbers").arg(QLatin1String(key));
            return;
        }
        for (int i = 0; i < 3; ++i)
            out[size_t(i)] = array[i].toDouble();
    }
    void unsigned64(const char *key, quint64 &out)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !m_error.isEmpty())
            return;
        if (!v.isString())
            return fail(key, QStringLiteral("a decimal string (JSON numbers lose bits above 2^53)"), v);
        bool ok = false;
        const QString text = v.toString();
        const bool digitsOnly =
            !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
        const quint64 value = text.toULongLong(&ok, 10);
        if (!ok || !digitsOnly) {
            m_error = QStringLiteral("\"%1\" must be a decimal integer from 0 to 18446744073709551615, got \"%2\"")
                          .arg(QLatin1String(key), text.left(40));
            return;
        }
        out = value;
    }

private:
    void fail(const char *key, const QString &expected, const QJsonValue &got)
    {
        m_error = QStringLiteral("\"%1\" must be %2, got %3").arg(QLatin1String(key), expected, jsonTypeName(got));
    }

    const QJsonObject &m_o;
    QString m_error;
};

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
    if (dataPathOnly)
        o[QStringLiteral("dataPath")] = true;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<SessionConfig> SessionConfig::fromJson(const QByteArray &json, QString *error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    const QJsonObject &o = *object;
    SessionConfig c;
    Reader r(o);
    r.triple("mean", c.mean);
    r.triple("std", c.std);
    r.string("model", c.model);
    r.strings("classNames", c.classNames);
    r.integer("channels", c.channels);
    r.integer("height", c.height);
    r.integer("width", c.width);
    r.integer("batchSize", c.batchSize);
    r.integer("epochs", c.epochs);
    r.string("optimizer", c.optimizer);
    r.number("learningRate", c.learningRate);
    r.number("momentum", c.momentum);
    r.number("weightDecay", c.weightDecay);
    r.unsigned64("seed", c.seed);
    r.string("device", c.device);
    r.string("precision", c.precision);
    r.boolean("deviceFlip", c.deviceFlip);
    r.integer("stepsPerEpoch", c.stepsPerEpoch);
    r.boolean("dataPath", c.dataPathOnly);
    if (!r.error().isEmpty()) {
        *error = r.error();
        return std::nullopt;
    }

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
    else if (std::any_of(c.mean.begin(), c.mean.end(), [](double m) { return !(m >= 0.0 && m <= 1.0); }))
        *error = QStringLiteral("normalisation mean must be on the 0..1 scale");
    else if (!(c.momentum >= 0.0 && c.momentum <= 1.0))
        *error = QStringLiteral("momentum %1 is out of range (0 to 1)").arg(c.momentum);
    else if (!(c.weightDecay >= 0.0 && c.weightDecay <= 1.0))
        *error = QStringLiteral("weight decay %1 is out of range (0 to 1)").arg(c.weightDecay);
    else if (c.stepsPerEpoch < 0)
        *error = QStringLiteral("stepsPerEpoch %1 is out of range (0: constant rate, or more)").arg(c.stepsPerEpoch);
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
    if (dataPath)
        o[QStringLiteral("dataPath")] = true;
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
    const QJsonValue dataPath = o.value(QStringLiteral("dataPath"));
    if (!dataPath.isUndefined() && !dataPath.isBool()) {
        *error = QStringLiteral("\"dataPath\" must be a boolean");
        return std::nullopt;
    }
    info.dataPath = dataPath.toBool(false);
    if (info.credits < 1 || info.credits > 1024) {
        *error = QStringLiteral("agent granted %1 credits (expected 1 to 1024)").arg(info.credits);
        return std::nullopt;
    }
    return info;
}

} // namespace tandem::protocol
