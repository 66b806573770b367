#include "timing/session_file.h"

#include "timing/timing_log.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>

#include <cmath>
#include <limits>

namespace tandem {

using protocol::Split;
using protocol::Stage;

namespace {

const QString kFormat = QStringLiteral("tandem-run");
// The JSON timing report (report/json_report_writer.h) embeds a run object under "run".
const QString kTimingReportFormat = QStringLiteral("tandem-timing-report");
constexpr qint64 kMaxFileBytes = 2LL << 30; // far above any real run; refuses to read a disk image

QString stageKey(Stage stage)
{
    const auto key = protocol::stageInfo(stage).key;
    return QString::fromLatin1(key.data(), qsizetype(key.size()));
}

std::optional<Stage> stageFromKey(const QString &key)
{
    for (const protocol::StageInfo &info : protocol::kStages) {
        if (key == QLatin1String(info.key.data(), qsizetype(info.key.size())))
            return info.stage;
    }
    return std::nullopt;
}

std::optional<Split> splitFromName(const QString &name)
{
    for (Split split : {Split::Train, Split::Val, Split::Infer}) {
        if (name == QLatin1String(protocol::splitName(split)))
            return split;
    }
    return std::nullopt;
}

std::optional<RunOutcome> outcomeFromName(const QString &name)
{
    for (RunOutcome outcome :
         {RunOutcome::Unknown, RunOutcome::Running, RunOutcome::Finished, RunOutcome::Stopped, RunOutcome::Failed}) {
        if (name == QLatin1String(runOutcomeName(outcome)))
            return outcome;
    }
    return std::nullopt;
}

// NaN (a diverged loss) has no JSON spelling: it travels as null.
QJsonValue fromFloat(float value)
{
    return std::isfinite(value) ? QJsonValue(double(value)) : QJsonValue(QJsonValue::Null);
}

// Reads fields and keeps the first error, so that parsing code reads straight through.
class FieldReader {
public:
    [[nodiscard]] bool failed() const { return !m_error.isEmpty(); }
    [[nodiscard]] const QString &error() const { return m_error; }

    void fail(const QString &where, const QString &what)
    {
        if (m_error.isEmpty())
            m_error = where.isEmpty() ? what : where + QStringLiteral(": ") + what;
    }

    qint64 integer(const QJsonObject &object, const QString &key, const QString &where,
                   qint64 minimum = std::numeric_limits<qint64>::min())
    {
        const QJsonValue value = object.value(key);
        if (!value.isDouble()) {
            fail(where, QStringLiteral("missing integer \"%1\"").arg(key));
            return 0;
        }
        return checked(value, key, where, minimum);
    }

    qint64 integerAt(const QJsonArray &array, int index, const QString &where)
    {
        const QJsonValue value = array.at(index);
        if (!value.isDouble()) {
            fail(where, QStringLiteral("element %1 is not an integer").arg(index));
            return 0;
        }
        return checked(value, QStringLiteral("element %1").arg(index), where, std::numeric_limits<qint64>::min() + 1);
    }

    float real(const QJsonObject &object, const QString &key, const QString &where)
    {
        const QJsonValue value = object.value(key);
        if (value.isNull())
            return std::numeric_limits<float>::quiet_NaN();
        if (!value.isDouble()) {
            fail(where, QStringLiteral("missing number \"%1\"").arg(key));
            return 0.F;
        }
        return float(value.toDouble());
    }

    QString string(const QJsonObject &object, const QString &key, const QString &where)
    {
        const QJsonValue value = object.value(key);
        if (!value.isString()) {
            fail(where, QStringLiteral("missing text \"%1\"").arg(key));
            return {};
        }
        return value.toString();
    }

    QJsonArray array(const QJsonObject &object, const QString &key, const QString &where)
    {
        const QJsonValue value = object.value(key);
        if (!value.isArray()) {
            fail(where, QStringLiteral("missing list \"%1\"").arg(key));
            return {};
        }
        return value.toArray();
    }

    Split split(const QJsonObject &object, const QString &where)
    {
        const QString name = string(object, QStringLiteral("split"), where);
        const std::optional<Split> split = splitFromName(name);
        if (!split && !failed())
            fail(where, QStringLiteral("unknown split \"%1\"").arg(name));
        return split.value_or(Split::Train);
    }

private:
    qint64 checked(const QJsonValue &value, const QString &key, const QString &where, qint64 minimum)
    {
        // Exact for the integers toJson() writes; fractions and huge values are not ours.
        constexpr qint64 kInvalid = std::numeric_limits<qint64>::min();
        const qint64 result = value.toInteger(kInvalid);
        if (result == kInvalid) {
            fail(where, QStringLiteral("\"%1\" is not a whole number").arg(key));
            return 0;
        }
        if (result < minimum) {
            fail(where, QStringLiteral("\"%1\" is %2, below %3").arg(key).arg(result).arg(minimum));
            return 0;
        }
        return result;
    }

    QString m_error;
};

SessionFile::LoadResult failure(SessionFileError error, const QString &message)
{
    SessionFile::LoadResult result;
    result.error = error;
    result.message = message;
    return result;
}

} // namespace

const char *sessionFileErrorName(SessionFileError error)
{
    switch (error) {
    case SessionFileError::None: return "none";
    case SessionFileError::Io: return "io";
    case SessionFileError::NotJson: return "not-json";
    case SessionFileError::NotASession: return "not-a-session";
    case SessionFileError::OlderVersion: return "older-version";
    case SessionFileError::NewerVersion: return "newer-version";
    case SessionFileError::BadField: return "bad-field";
    }
    return "unknown";
}

QJsonObject SessionFile::toJsonObject(const RunRecord &record)
{
    const qint64 origin = record.wallStartNs;
    QJsonArray batches;
    for (const BatchRecord &batch : record.batches) {
        QJsonArray spans;
        for (const protocol::Span &span : batch.spans)
            spans.append(QJsonArray{stageKey(span.stage), span.startNs - origin, span.endNs - origin});
        batches.append(QJsonObject{
            {QStringLiteral("seq"), qint64(batch.seq)},
            {QStringLiteral("epoch"), qint64(batch.epoch)},
            {QStringLiteral("split"), QLatin1String(protocol::splitName(batch.split))},
            {QStringLiteral("samples"), batch.samples},
            {QStringLiteral("wireBytes"), batch.wireBytes},
            {QStringLiteral("spans"), spans},
        });
    }
    QJsonArray steps;
    for (const StepPoint &step : record.steps) {
        steps.append(QJsonObject{
            {QStringLiteral("seq"), qint64(step.seq)},
            {QStringLiteral("epoch"), qint64(step.epoch)},
            {QStringLiteral("loss"), fromFloat(step.loss)},
            {QStringLiteral("learningRate"), fromFloat(step.learningRate)},
            {QStringLiteral("samplesPerSecond"), fromFloat(step.samplesPerSecond)},
            {QStringLiteral("atNs"), step.clientNs - origin},
        });
    }
    QJsonArray epochs;
    for (const EpochPoint &epoch : record.epochs) {
        epochs.append(QJsonObject{
            {QStringLiteral("epoch"), qint64(epoch.epoch)},
            {QStringLiteral("split"), QLatin1String(protocol::splitName(epoch.split))},
            {QStringLiteral("meanLoss"), fromFloat(epoch.meanLoss)},
            {QStringLiteral("accuracy"), fromFloat(epoch.accuracy)},
            {QStringLiteral("samples"), qint64(epoch.samples)},
        });
    }
    // Optional: [[start, end], …] relative to the origin, like the spans; absent in older files.
    QJsonArray pauses;
    for (const auto &[start, end] : record.pauses)
        pauses.append(QJsonArray{start - origin, end - origin});
    QJsonObject document{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), kFormatVersion},
        {QStringLiteral("title"), record.title},
        {QStringLiteral("startedAt"), record.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("settings"), record.settings},
        {QStringLiteral("clock"),
         QJsonObject{
             {QStringLiteral("wallStartNs"), record.wallStartNs},
             {QStringLiteral("wallEndNs"), record.wallEndNs - origin},
             {QStringLiteral("offsetNs"), record.clockOffsetNs},
             {QStringLiteral("uncertaintyNs"), record.clockUncertaintyNs},
         }},
        {QStringLiteral("batches"), batches},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("epochs"), epochs},
        {QStringLiteral("outcome"),
         QJsonObject{
             {QStringLiteral("status"), QLatin1String(runOutcomeName(record.outcome))},
             {QStringLiteral("message"), record.outcomeMessage},
         }},
    };
    if (!pauses.isEmpty())
        document.insert(QStringLiteral("pauses"), pauses);
    return document;
}

QByteArray SessionFile::toJson(const RunRecord &record)
{
    return QJsonDocument(toJsonObject(record)).toJson(QJsonDocument::Compact);
}

SessionFile::LoadResult SessionFile::fromJsonObject(const QJsonObject &object)
{
    if (object.value(QStringLiteral("format")).toString() == kTimingReportFormat &&
        object.value(QStringLiteral("run")).isObject())
        return fromJsonObject(object.value(QStringLiteral("run")).toObject());
    if (object.value(QStringLiteral("format")).toString() != kFormat) {
        return failure(SessionFileError::NotASession,
                       QStringLiteral("not a Tandem run: the \"format\" field is not \"%1\"").arg(kFormat));
    }
    const QJsonValue versionValue = object.value(QStringLiteral("version"));
    if (!versionValue.isDouble())
        return failure(SessionFileError::BadField, QStringLiteral("the format version is missing"));
    const int version = versionValue.toInt(-1);
    if (version < kOldestReadableVersion) {
        return failure(SessionFileError::OlderVersion,
                       QStringLiteral("written in format version %1 by an older Tandem; this Tandem "
                                      "reads versions %2 to %3")
                           .arg(version)
                           .arg(kOldestReadableVersion)
                           .arg(kFormatVersion));
    }
    if (version > kFormatVersion) {
        return failure(SessionFileError::NewerVersion,
                       QStringLiteral("written in format version %1 by a newer Tandem; this Tandem "
                                      "reads versions %2 to %3: update Tandem to open it")
                           .arg(version)
                           .arg(kOldestReadableVersion)
                           .arg(kFormatVersion));
    }

    FieldReader reader;
    RunRecord record;
    record.title = reader.string(object, QStringLiteral("title"), {});
    const QString startedAt = reader.string(object, QStringLiteral("startedAt"), {});
    record.startedAt = QDateTime::fromString(startedAt, Qt::ISODateWithMs);
    if (!startedAt.isEmpty() && !record.startedAt.isValid())
        reader.fail({}, QStringLiteral("\"startedAt\" is not an ISO 8601 date: \"%1\"").arg(startedAt));
    const QJsonValue settings = object.value(QStringLiteral("settings"));
    if (!settings.isObject())
        reader.fail({}, QStringLiteral("missing object \"settings\""));
    record.settings = settings.toObject();

    const QJsonValue clockValue = object.value(QStringLiteral("clock"));
    if (!clockValue.isObject())
        reader.fail({}, QStringLiteral("missing object \"clock\""));
    const QJsonObject clock = clockValue.toObject();
    const QString inClock = QStringLiteral("clock");
    record.wallStartNs = reader.integer(clock, QStringLiteral("wallStartNs"), inClock);
    const qint64 origin = record.wallStartNs;
    record.wallEndNs = origin + reader.integer(clock, QStringLiteral("wallEndNs"), inClock);
    record.clockOffsetNs = reader.integer(clock, QStringLiteral("offsetNs"), inClock);
    record.clockUncertaintyNs = reader.integer(clock, QStringLiteral("uncertaintyNs"), inClock, 0);

    const QJsonArray batches = reader.array(object, QStringLiteral("batches"), {});
    record.batches.reserve(size_t(batches.size()));
    for (qsizetype i = 0; i < batches.size() && !reader.failed(); ++i) {
        const QString where = QStringLiteral("batch %1").arg(i);
        if (!batches.at(i).isObject()) {
            reader.fail(where, QStringLiteral("not an object"));
            break;
        }
        const QJsonObject item = batches.at(i).toObject();
        BatchRecord batch;
        batch.seq = quint64(reader.integer(item, QStringLiteral("seq"), where, 0));
        batch.epoch = quint32(reader.integer(item, QStringLiteral("epoch"), where, 0));
        batch.split = reader.split(item, where);
        batch.samples = int(reader.integer(item, QStringLiteral("samples"), where, 0));
        batch.wireBytes = reader.integer(item, QStringLiteral("wireBytes"), where, 0);
        const QJsonArray spans = reader.array(item, QStringLiteral("spans"), where);
        for (qsizetype s = 0; s < spans.size() && !reader.failed(); ++s) {
            const QString spanWhere = QStringLiteral("batch %1, span %2").arg(i).arg(s);
            const QJsonArray triple = spans.at(s).toArray();
            if (triple.size() != 3 || !triple.at(0).isString()) {
                reader.fail(spanWhere, QStringLiteral("expected [stage, startNs, endNs]"));
                break;
            }
            const std::optional<Stage> stage = stageFromKey(triple.at(0).toString());
            if (!stage) {
                reader.fail(spanWhere, QStringLiteral("unknown stage \"%1\"").arg(triple.at(0).toString()));
                break;
            }
            protocol::Span span;
            span.stage = *stage;
            span.startNs = origin + reader.integerAt(triple, 1, spanWhere);
            span.endNs = origin + reader.integerAt(triple, 2, spanWhere);
            if (!reader.failed() && span.endNs < span.startNs)
                reader.fail(spanWhere, QStringLiteral("ends before it starts"));
            batch.spans.push_back(span);
        }
        record.batches.push_back(std::move(batch));
    }

    const QJsonArray steps = reader.array(object, QStringLiteral("steps"), {});
    record.steps.reserve(size_t(steps.size()));
    for (qsizetype i = 0; i < steps.size() && !reader.failed(); ++i) {
        const QString where = QStringLiteral("step %1").arg(i);
        const QJsonObject item = steps.at(i).toObject();
        StepPoint step;
        step.seq = quint64(reader.integer(item, QStringLiteral("seq"), where, 0));
        step.epoch = quint32(reader.integer(item, QStringLiteral("epoch"), where, 0));
        step.loss = reader.real(item, QStringLiteral("loss"), where);
        step.learningRate = reader.real(item, QStringLiteral("learningRate"), where);
        step.samplesPerSecond = reader.real(item, QStringLiteral("samplesPerSecond"), where);
        step.clientNs = origin + reader.integer(item, QStringLiteral("atNs"), where);
        record.steps.push_back(step);
    }

    const QJsonArray epochs = reader.array(object, QStringLiteral("epochs"), {});
    for (qsizetype i = 0; i < epochs.size() && !reader.failed(); ++i) {
        const QString where = QStringLiteral("epoch entry %1").arg(i);
        const QJsonObject item = epochs.at(i).toObject();
        EpochPoint epoch;
        epoch.epoch = quint32(reader.integer(item, QStringLiteral("epoch"), where, 0));
        epoch.split = reader.split(item, where);
        epoch.meanLoss = reader.real(item, QStringLiteral("meanLoss"), where);
        epoch.accuracy = reader.real(item, QStringLiteral("accuracy"), where);
        epoch.samples = quint32(reader.integer(item, QStringLiteral("samples"), where, 0));
        record.epochs.push_back(epoch);
    }

    // Optional: files written before outcomes were kept have none (RunOutcome::Unknown).
    if (const QJsonValue outcome = object.value(QStringLiteral("outcome"));
        !outcome.isUndefined() && !reader.failed()) {
        const QString where = QStringLiteral("outcome");
        if (!outcome.isObject()) {
            reader.fail(where, QStringLiteral("not an object"));
        } else {
            const QString status = reader.string(outcome.toObject(), QStringLiteral("status"), where);
            const std::optional<RunOutcome> parsed = outcomeFromName(status);
            if (!parsed && !reader.failed())
                reader.fail(where, QStringLiteral("unknown status \"%1\"").arg(status));
            record.outcome = parsed.value_or(RunOutcome::Unknown);
            record.outcomeMessage = outcome.toObject().value(QStringLiteral("message")).toString();
        }
    }

    if (object.contains(QStringLiteral("pauses"))) {
        const QJsonArray pauses = reader.array(object, QStringLiteral("pauses"), {});
        for (qsizetype i = 0; i < pauses.size() && !reader.failed(); ++i) {
            const QString where = QStringLiteral("pause %1").arg(i);
            const QJsonArray pair = pauses.at(i).toArray();
            if (pair.size() != 2) {
                reader.fail(where, QStringLiteral("not a [start, end] pair"));
                break;
            }
            const qint64 start = reader.integerAt(pair, 0, where);
            const qint64 end = reader.integerAt(pair, 1, where);
            if (end < start)
                reader.fail(where, QStringLiteral("ends before it starts"));
            record.pauses.emplace_back(origin + start, origin + end);
        }
    }

    if (reader.failed())
        return failure(SessionFileError::BadField, reader.error());
    LoadResult result;
    result.run = std::move(record);
    return result;
}

SessionFile::LoadResult SessionFile::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return failure(
            SessionFileError::NotJson,
            QStringLiteral("not valid JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    }
    if (!document.isObject())
        return failure(SessionFileError::NotASession, QStringLiteral("not a Tandem run: not a JSON object"));
    return fromJsonObject(document.object());
}

QString SessionFile::save(const RunRecord &record, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    const QByteArray json = toJson(record);
    if (file.write(json) != json.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    qCDebug(lcTiming) << "saved run" << record.title << "to" << path << json.size() << "bytes";
    return {};
}

SessionFile::LoadResult SessionFile::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(SessionFileError::Io, QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileBytes) {
        return failure(SessionFileError::NotASession,
                       QStringLiteral("%1 is %2 MiB, too large for a Tandem run").arg(path).arg(file.size() >> 20));
    }
    LoadResult result = fromJson(file.readAll());
    if (!result.ok()) {
        result.message = QStringLiteral("%1: %2").arg(path, result.message);
        qCWarning(lcTiming) << "cannot load run:" << result.message;
    }
    return result;
}

} // namespace tandem
