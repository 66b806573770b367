#include "report/report_builder.h"

#include "report/number_format.h"
#include "report/report_charts.h"
#include "timing/run_record.h"
#include "timing/timing_summary.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace tandem {

using protocol::Host;
using protocol::Split;
using protocol::Stage;

namespace {

const QChar kDagger(0x2020);

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString dateTime(const QDateTime &when)
{
    if (!when.isValid())
        return QStringLiteral("an unknown time");
    const QLocale english(QLocale::English, QLocale::UnitedKingdom);
    const int offset = when.offsetFromUtc();
    const QString zone = QStringLiteral("UTC%1%2:%3")
                             .arg(offset < 0 ? QChar(0x2212) : QLatin1Char('+'))
                             .arg(std::abs(offset) / 3600, 2, 10, QLatin1Char('0'))
                             .arg((std::abs(offset) % 3600) / 60, 2, 10, QLatin1Char('0'));
    return english.toString(when, QStringLiteral("ddd d MMM yyyy, HH:mm")) + QStringLiteral(" (") + zone +
           QLatin1Char(')');
}

QString generator()
{
    const QString name = QCoreApplication::applicationName();
    const QString version = QCoreApplication::applicationVersion();
    if (name.isEmpty() || name.startsWith(QLatin1String("tst_")))
        return QStringLiteral("Tandem");
    return version.isEmpty() ? name : name + QLatin1Char(' ') + version;
}

std::set<quint32> epochsOf(const RunRecord &record)
{
    std::set<quint32> epochs;
    for (const BatchRecord &batch : record.batches)
        epochs.insert(batch.epoch);
    return epochs;
}

QString plural(qint64 count, const QString &one, const QString &many)
{
    return NumberFormat::integer(count) + QLatin1Char(' ') + (count == 1 ? one : many);
}

bool crossesHosts(Stage stage)
{
    return protocol::stageInfo(stage).host == Host::Network;
}

QString stageName(Stage stage)
{
    return NumberFormat::stageLabel(stage) + (crossesHosts(stage) ? QString(kDagger) : QString());
}

ReportTone toneOf(const TimingSummary &summary)
{
    if (!summary.hasBottleneck)
        return ReportTone::Neutral;
    return summary.verdict.startsWith(QLatin1String("compute-bound")) ? ReportTone::Good : ReportTone::Warning;
}

QString jsonScalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::abs(number) < 1e15)
            return NumberFormat::integer(qint64(number));
        return QString::number(number, 'g', 6);
    }
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null: return QStringLiteral("–");
    case QJsonValue::Array: {
        QStringList parts;
        bool scalars = true;
        for (const QJsonValue &item : value.toArray()) {
            if (item.isArray() || item.isObject())
                scalars = false;
            parts << jsonScalar(item);
        }
        if (scalars)
            return parts.size() > 12 ? parts.mid(0, 12).join(QStringLiteral(", ")) +
                                           QStringLiteral(", … (%1 in all)").arg(parts.size())
                                     : parts.join(QStringLiteral(", "));
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    }
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined: break;
    }
    return {};
}

// Nested objects become dotted keys: {"resize": {"width": 224}} → "resize.width".
void flatten(const QJsonObject &object, const QString &prefix, std::vector<std::pair<QString, QString>> *out)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            flatten(it.value().toObject(), key, out);
        else
            out->emplace_back(key, jsonScalar(it.value()));
    }
}

// One table per top-level object of the free-form settings; top-level scalars go into "run".
std::vector<std::pair<QString, std::vector<std::pair<QString, QString>>>> settingsGroups(const QJsonObject &settings)
{
    std::vector<std::pair<QString, std::vector<std::pair<QString, QString>>>> groups;
    std::vector<std::pair<QString, QString>> scalars;
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (it.value().isObject()) {
            std::vector<std::pair<QString, QString>> rows;
            flatten(it.value().toObject(), {}, &rows);
            groups.emplace_back(it.key(), std::move(rows));
        } else {
            scalars.emplace_back(it.key(), jsonScalar(it.value()));
        }
    }
    if (!scalars.empty())
        groups.insert(groups.begin(), {QStringLiteral("run"), std::move(scalars)});
    return groups;
}

ReportTable keyValueTable(const QString &title, const std::vector<std::pair<QString, QString>> &rows)
{
    ReportTable table;
    table.title = title;
    table.header = {QStringLiteral("Setting"), QStringLiteral("Value")};
    table.numeric = {false, false};
    for (const auto &[key, value] : rows)
        table.rows.push_back({key, value});
    return table;
}

std::optional<EpochPoint> lastEpoch(const RunRecord &record, Split split)
{
    std::optional<EpochPoint> last;
    for (const EpochPoint &epoch : record.epochs) {
        if (epoch.split == split && (!last || epoch.epoch >= last->epoch))
            last = epoch;
    }
    return last;
}

QString clockLine(const RunRecord &record)
{
    return QStringLiteral("%1 ms ± %2 ms")
        .arg(NumberFormat::fixed(double(record.clockOffsetNs) / 1e6, 3),
             NumberFormat::fixed(double(record.clockUncertaintyNs) / 1e6, 3));
}

// "3.84 s" → {"3.84", "s"}: the number large, the unit small.
std::pair<QString, QString> splitUnit(const QString &text)
{
    const int space = text.indexOf(QLatin1Char(' '));
    if (space < 0 || text.contains(QLatin1String("min")) || text.startsWith(QLatin1String("± ")))
        return {text, QString()};
    return {text.left(space), text.mid(space + 1)};
}

ReportFigure figure(const QString &label, const QString &valueWithUnit, const QString &note)
{
    const auto [value, unit] = splitUnit(valueWithUnit);
    return ReportFigure{label, value, unit, note};
}

std::vector<ReportFigure> figuresFor(const RunRecord &record, const TimingSummary &summary)
{
    std::vector<ReportFigure> figures;
    const size_t epochs = epochsOf(record).size();
    figures.push_back(figure(QStringLiteral("Throughput"),
                             NumberFormat::fixed(summary.samplesPerSecond, summary.samplesPerSecond < 100 ? 1 : 0) +
                                 QStringLiteral(" samples/s"),
                             QStringLiteral("%1 in %2")
                                 .arg(plural(summary.samples, QStringLiteral("sample"), QStringLiteral("samples")),
                                      NumberFormat::seconds(summary.wallSeconds))));
    figures.push_back(figure(
        QStringLiteral("Wall time"), NumberFormat::seconds(summary.wallSeconds),
        QStringLiteral("%1, %2").arg(plural(summary.batches, QStringLiteral("batch"), QStringLiteral("batches")),
                                     plural(qint64(epochs), QStringLiteral("epoch"), QStringLiteral("epochs")))));
    figures.push_back(figure(QStringLiteral("One stage at a time"), NumberFormat::seconds(summary.sequentialSeconds),
                             QStringLiteral("%1 the wall time: the stages' busy times added up")
                                 .arg(NumberFormat::factor(summary.sequentialOverWall))));
    // The dashboard's "Overlap gain" tile shows this same figure under this same name.
    figures.push_back(figure(QStringLiteral("Overlap gain"), NumberFormat::factor(summary.sequentialOverWall),
                             QStringLiteral("one stage at a time ÷ wall time: the speed-up of overlapping")));
    figures.push_back(figure(QStringLiteral("Slowest resource"), NumberFormat::seconds(summary.slowestStageBusySeconds),
                             QStringLiteral("%1 busy; wall ÷ that %2 (1.00: the rest hid behind it)")
                                 .arg(summary.slowestResource.isEmpty() ? QStringLiteral("–") : summary.slowestResource,
                                      NumberFormat::fixed(summary.overlapEfficiency, 2))));
    const StageStats *bottleneck = summary.hasBottleneck ? summary.stats(summary.bottleneck) : nullptr;
    figures.push_back(
        ReportFigure{QStringLiteral("Bottleneck"),
                     bottleneck ? NumberFormat::stageLabel(bottleneck->stage) : QStringLiteral("–"), QString(),
                     bottleneck ? QStringLiteral("busy %1 of the wall time; %2 %3 used")
                                      .arg(NumberFormat::percent(bottleneck->busyFraction), summary.bottleneckResource,
                                           NumberFormat::percent(summary.bottleneckUtilisation))
                                : QStringLiteral("no stage timings")});
    figures.push_back(figure(QStringLiteral("Agent busy"), NumberFormat::percent(summary.agentBusyFraction),
                             QStringLiteral("of the wall time, in any agent stage but queue wait")));
    figures.push_back(figure(QStringLiteral("On the wire"),
                             NumberFormat::bytes(summary.wireBytesPerSample) + QStringLiteral(" / sample"),
                             NumberFormat::bytes(double(summary.wireBytes)) + QStringLiteral(" in all")));
    figures.push_back(ReportFigure{QStringLiteral("Clock uncertainty"),
                                   QStringLiteral("± ") + NumberFormat::ms(summary.uncertaintyMs, false),
                                   QStringLiteral("ms"), QStringLiteral("on every figure that crosses the hosts")});
    return figures;
}

QString overlapParagraph(const TimingSummary &summary)
{
    if (!summary.hasBottleneck || summary.wallSeconds <= 0.0)
        return QStringLiteral("No stage timings were recorded, so there is nothing to say about overlap.");
    const StageStats *slowest = summary.stats(summary.bottleneck);
    QString text =
        summary.sequentialOverWall >= 1.1
            ? QStringLiteral("The run took %1. Run one stage at a time, the same work would take %2: %3 as long. ")
                  .arg(NumberFormat::seconds(summary.wallSeconds), NumberFormat::seconds(summary.sequentialSeconds),
                       NumberFormat::factor(summary.sequentialOverWall))
            : QStringLiteral(
                  "The run took %1, and its stages' busy times add up to %2, about the same: nearly all the "
                  "work was in stages that cannot overlap each other, so there was little for the pipeline to "
                  "hide. ")
                  .arg(NumberFormat::seconds(summary.wallSeconds), NumberFormat::seconds(summary.sequentialSeconds));
    Q_UNUSED(slowest)
    const QString slowestLine =
        QStringLiteral("The slowest resource, %1, was busy for %2, %3 of the wall time")
            .arg(summary.slowestResource, NumberFormat::seconds(summary.slowestStageBusySeconds),
                 NumberFormat::percent(summary.wallSeconds > 0 ? summary.slowestStageBusySeconds / summary.wallSeconds
                                                               : 0.0));
    if (summary.agentBusyFraction >= 0.9) {
        text += QStringLiteral("The agent's stages run one after another on one device, and together they kept it busy "
                               "%1 of the wall time: the agent set the pace, and the desktop's preprocessing and the "
                               "transfers hid behind it. %2 (wall ÷ its busy time %3).")
                    .arg(NumberFormat::percent(summary.agentBusyFraction), slowestLine,
                         NumberFormat::fixed(summary.overlapEfficiency, 2));
    } else if (summary.overlapEfficiency <= 1.25) {
        text +=
            QStringLiteral("%1, so the other stages almost entirely hid behind it: the run took only %2 longer than "
                           "that resource alone (wall ÷ its busy time %3).")
                .arg(slowestLine, NumberFormat::percent(summary.overlapEfficiency - 1.0),
                     NumberFormat::fixed(summary.overlapEfficiency, 2));
    } else {
        text += QStringLiteral(
                    "%1, and the run took %2 as long as that resource alone (wall ÷ its busy time %3): part of the "
                    "other stages' time still adds up instead of overlapping, or the stages wait on each "
                    "other; the agent worked %4 of the time.")
                    .arg(slowestLine, NumberFormat::factor(summary.overlapEfficiency),
                         NumberFormat::fixed(summary.overlapEfficiency, 2),
                         NumberFormat::percent(summary.agentBusyFraction));
    }
    return text;
}

ReportTable stageTable(const TimingSummary &summary)
{
    ReportTable table;
    table.title = QStringLiteral("Per-stage latency (milliseconds per batch) and busy time");
    table.header = {QStringLiteral("Stage"), QStringLiteral("Host"), QStringLiteral("Spans"),
                    QStringLiteral("Mean"),  QStringLiteral("p50"),  QStringLiteral("p95"),
                    QStringLiteral("p99"),   QStringLiteral("Busy"), QStringLiteral("Busy %")};
    table.numeric = {false, false, true, true, true, true, true, true, true};
    bool anyCrossHost = false;
    for (const StageStats &stats : summary.stages) {
        const Host host = protocol::stageInfo(stats.stage).host;
        anyCrossHost = anyCrossHost || crossesHosts(stats.stage);
        table.rows.push_back({stageName(stats.stage),
                              host == Host::Client  ? QStringLiteral("desktop")
                              : host == Host::Agent ? QStringLiteral("agent")
                                                    : QStringLiteral("network"),
                              NumberFormat::integer(stats.count), NumberFormat::ms(stats.meanMs, false),
                              NumberFormat::ms(stats.p50Ms, false), NumberFormat::ms(stats.p95Ms, false),
                              NumberFormat::ms(stats.p99Ms, false), NumberFormat::seconds(stats.busyMs / 1000.0),
                              NumberFormat::percent(stats.busyFraction)});
        table.rowSwatches.push_back(ReportCharts::stageColor(stats.stage));
        if (summary.hasBottleneck && stats.stage == summary.bottleneck)
            table.emphasisedRows.push_back(int(table.rows.size()) - 1);
    }
    QStringList notes;
    if (summary.hasBottleneck)
        notes << QStringLiteral("The highlighted row is the bottleneck.");
    if (anyCrossHost) {
        notes << QStringLiteral("%1 Crosses the hosts: start and end come from different clocks, so the duration "
                                "carries the clock uncertainty of ± %2.")
                     .arg(kDagger)
                     .arg(NumberFormat::ms(summary.uncertaintyMs));
    }
    notes << QStringLiteral("Busy is the time at least one batch was in the stage; credit wait and queue wait are "
                            "slack, not work.");
    table.note = notes.join(QLatin1Char(' '));
    return table;
}

ReportTable epochTable(const RunRecord &record)
{
    ReportTable table;
    table.title = QStringLiteral("Epochs");
    table.header = {QStringLiteral("Epoch"), QStringLiteral("Split"), QStringLiteral("Samples"),
                    QStringLiteral("Mean loss"), QStringLiteral("Accuracy")};
    table.numeric = {true, false, true, true, true};
    std::vector<EpochPoint> epochs = record.epochs;
    std::stable_sort(epochs.begin(), epochs.end(), [](const EpochPoint &a, const EpochPoint &b) {
        return a.epoch != b.epoch ? a.epoch < b.epoch : a.split < b.split;
    });
    for (const EpochPoint &epoch : epochs) {
        table.rows.push_back({QString::number(epoch.epoch + 1), // counted from 1, as the app and the CLI do
                              QLatin1String(protocol::splitName(epoch.split)), NumberFormat::integer(epoch.samples),
                              NumberFormat::fixed(epoch.meanLoss, 4), NumberFormat::percent(epoch.accuracy)});
    }
    return table;
}

QString footerFor(const QStringList &companionFiles)
{
    QString footer = QStringLiteral("Generated by %1 on %2.").arg(generator(), dateTime(QDateTime::currentDateTime()));
    if (!companionFiles.isEmpty())
        footer += QStringLiteral(" Exported with it: %1.").arg(companionFiles.join(QStringLiteral(", ")));
    if (std::any_of(companionFiles.begin(), companionFiles.end(),
                    [](const QString &file) { return file.endsWith(QLatin1String(".trace.json")); }))
        footer += QStringLiteral(" The trace opens in ui.perfetto.dev or chrome://tracing.");
    return footer;
}

QString shortLabel(const QString &letter, const RunRecord &record)
{
    QString title = record.title.isEmpty() ? QStringLiteral("untitled run") : record.title;
    if (title.size() > 48)
        title = title.left(47) + QChar(0x2026);
    return letter + QStringLiteral(": ") + title;
}

// "+12.3%" from a to b; for figures where lower is better, the sign still says which way it moved.
QString change(double a, double b)
{
    if (a == 0.0 || !std::isfinite(a) || !std::isfinite(b))
        return QStringLiteral("–");
    return NumberFormat::signedPercent(b / a - 1.0);
}

} // namespace

ReportDocument ReportBuilder::build(const RunRecord &record, const TimingSummary &summary, const Options &options)
{
    const double width = options.chartWidth;
    ReportDocument document;
    document.kicker = QStringLiteral("Tandem timing report");
    document.title = record.title.isEmpty() ? QStringLiteral("Untitled run") : record.title;
    const size_t epochs = epochsOf(record).size();
    document.subtitle =
        QStringLiteral("Started %1 · %2 · %3 · %4")
            .arg(dateTime(record.startedAt), plural(qint64(epochs), QStringLiteral("epoch"), QStringLiteral("epochs")),
                 plural(summary.batches, QStringLiteral("batch"), QStringLiteral("batches")),
                 plural(summary.samples, QStringLiteral("sample"), QStringLiteral("samples")));
    document.verdict = capitalised(summary.verdict) + QLatin1Char('.');
    document.verdictTone = toneOf(summary);
    document.figures = figuresFor(record, summary);

    ReportSection time;
    time.title = QStringLiteral("Where the time goes");
    time.blocks.emplace_back(overlapParagraph(summary));
    time.blocks.emplace_back(ReportChart{
        QStringLiteral("Overlapped against one stage at a time"), ReportCharts::overlap(summary, width),
        QStringLiteral("Top: the busy time of every working stage laid end to end, which is what running the stages "
                       "one after another would cost. Bottom: the run's measured wall time; the yellow mark is the "
                       "slowest stage's busy time, the floor that no amount of overlap can beat.")});
    const ReportCharts::TimelineWindow window = ReportCharts::timelineWindow(record);
    if (window.valid) {
        const double windowMs = double(window.endNs - window.startNs) / 1e6;
        time.blocks.emplace_back(ReportChart{
            QStringLiteral("Timeline excerpt: %1 from the middle of the run").arg(NumberFormat::ms(windowMs)),
            ReportCharts::timeline(record, width),
            QStringLiteral("Batches %1 to %2 at work. Each row is a stage, grouped by host; each colour is one batch. "
                           "Bars of different batches at the same moment are stages running at once: that is the "
                           "overlap. Agent spans are drawn on the desktop's clock (± %3).")
                .arg(window.firstSeq)
                .arg(window.lastSeq)
                .arg(NumberFormat::ms(summary.uncertaintyMs))});
    }
    document.sections.push_back(std::move(time));

    ReportSection stages;
    stages.title = QStringLiteral("Stage latency");
    stages.blocks.emplace_back(ReportChart{
        QStringLiteral("Latency per stage"), ReportCharts::stagePercentiles(summary, width),
        QStringLiteral("How long one batch spends in each stage: the solid bar is the median, the pale bar reaches "
                       "the 95th percentile and the black tick marks the 99th.")});
    stages.blocks.emplace_back(stageTable(summary));
    stages.blocks.emplace_back(ReportChart{
        QStringLiteral("Latency of every batch"), ReportCharts::batchLatency(record, width),
        QStringLiteral("Each column is one batch's end-to-end latency, from reading its first image to its metrics "
                       "arriving back, split by stage. Waiting for credits or in the agent's queue is part of it.")});
    document.sections.push_back(std::move(stages));

    ReportSection training;
    training.title = QStringLiteral("Training");
    if (record.steps.empty() && record.epochs.empty()) {
        training.blocks.emplace_back(QStringLiteral("No training metrics were recorded in this run."));
    } else {
        QString line =
            QStringLiteral("%1 optimiser steps were recorded.").arg(NumberFormat::integer(qint64(record.steps.size())));
        if (const auto train = lastEpoch(record, Split::Train)) {
            line += QStringLiteral(" The last training epoch ended at a mean loss of %1 and %2 accuracy")
                        .arg(NumberFormat::fixed(train->meanLoss, 4), NumberFormat::percent(train->accuracy));
            if (const auto val = lastEpoch(record, Split::Val))
                line += QStringLiteral("; validation reached %1 accuracy at a mean loss of %2")
                            .arg(NumberFormat::percent(val->accuracy), NumberFormat::fixed(val->meanLoss, 4));
            line += QLatin1Char('.');
        }
        training.blocks.emplace_back(line);
        training.blocks.emplace_back(ReportChart{QStringLiteral("Loss"), ReportCharts::loss(record, width),
                                                 QStringLiteral("Training loss of every optimiser step as the agent "
                                                                "reported it; dashed lines mark epoch boundaries.")});
        if (!record.epochs.empty())
            training.blocks.emplace_back(epochTable(record));
    }
    document.sections.push_back(std::move(training));

    ReportSection settings;
    settings.title = QStringLiteral("Run settings");
    settings.blocks.emplace_back(keyValueTable(
        QStringLiteral("Recording"), {{QStringLiteral("started"), dateTime(record.startedAt)},
                                      {QStringLiteral("wall time"), NumberFormat::seconds(summary.wallSeconds)},
                                      {QStringLiteral("agent clock − desktop clock"), clockLine(record)},
                                      {QStringLiteral("batches / steps / epoch records"),
                                       QStringLiteral("%1 / %2 / %3")
                                           .arg(NumberFormat::integer(qint64(record.batches.size())),
                                                NumberFormat::integer(qint64(record.steps.size())),
                                                NumberFormat::integer(qint64(record.epochs.size())))}}));
    for (const auto &[group, rows] : settingsGroups(record.settings))
        settings.blocks.emplace_back(keyValueTable(capitalised(group), rows));
    document.sections.push_back(std::move(settings));

    ReportSection method;
    method.title = QStringLiteral("How these figures were measured");
    method.blocks.emplace_back(
        QStringLiteral(
            "Each process stamps its spans with its own monotonic clock. The desktop estimates the agent's clock "
            "offset "
            "with the four-timestamp exchange of RFC 5905 over the connection's ping and pong, keeping the exchange "
            "with the shortest round trip in a sliding window, and moves each batch's agent spans onto its own clock "
            "with the estimate current when that batch's metrics arrived. The true offset lies within half that "
            "round trip; the widest of these bounds, here ± %1, holds for every figure that crosses the two hosts "
            "(network, metrics return).")
            .arg(NumberFormat::ms(summary.uncertaintyMs)));
    method.blocks.emplace_back(QStringLiteral(
        "A stage's busy time is the time during which at least one batch was in it: the union of its spans, not "
        "their sum, because concurrent batches overlap. Busy % is busy time over wall time, and wall time is active "
        "time: while a paused run had nothing in flight it counts nowhere. Overlap gain is \"one stage at a time\" "
        "divided by the wall time. The slowest resource (a thread, a worker pool, the link: forward and backward share "
        "the trainer thread) bounds the wall time; wall ÷ its busy time is 1.00 when every other stage hid entirely "
        "behind it. \"One stage at a time\" adds up the working stages' busy times, each stage keeping its own "
        "internal "
        "parallelism. Credit wait and queue wait measure slack in the pipeline and count in neither."));
    method.blocks.emplace_back(QStringLiteral(
        "The bottleneck is found per resource, not per stage: stages that share one resource (a preprocessing "
        "worker, the upload, the agent's device) run one after another, so the resource whose capacity was most "
        "used limits throughput, and the report names its busiest stage. A resource's capacity is the most spans "
        "it ever ran at once, which counts parallel preprocessing workers."));
    method.blocks.emplace_back(QStringLiteral(
        "Percentiles interpolate linearly between closest ranks. Throughput counts every sample the pipeline carried, "
        "training and validation alike; bytes on the wire are the encoded batch messages as sent."));
    document.sections.push_back(std::move(method));

    document.footer = footerFor(options.companionFiles);
    return document;
}

ReportDocument ReportBuilder::buildComparison(const RunRecord &a, const TimingSummary &summaryA, const RunRecord &b,
                                              const TimingSummary &summaryB, const Options &options)
{
    const double width = options.chartWidth;
    const double half = (width - 24.0) / 2.0;
    const QString labelA = shortLabel(QStringLiteral("A"), a);
    const QString labelB = shortLabel(QStringLiteral("B"), b);

    ReportDocument document;
    document.kicker = QStringLiteral("Tandem run comparison");
    document.title =
        QStringLiteral("%1 vs %2")
            .arg(a.title.isEmpty() ? QStringLiteral("A") : a.title, b.title.isEmpty() ? QStringLiteral("B") : b.title);
    document.subtitle = QStringLiteral("A started %1 · B started %2").arg(dateTime(a.startedAt), dateTime(b.startedAt));
    if (summaryA.samplesPerSecond > 0.0 && summaryB.samplesPerSecond > 0.0) {
        const double ratio = summaryB.samplesPerSecond / summaryA.samplesPerSecond;
        document.verdict = QStringLiteral("B moves %1 the samples per second of A (%2 against %3 samples/s).")
                               .arg(NumberFormat::factor(ratio), NumberFormat::fixed(summaryB.samplesPerSecond, 0),
                                    NumberFormat::fixed(summaryA.samplesPerSecond, 0));
        document.verdictTone = ratio >= 1.0 ? ReportTone::Good : ReportTone::Warning;
    } else {
        document.verdict = QStringLiteral("At least one of the runs recorded no timings.");
    }

    ReportSection summary;
    summary.title = QStringLiteral("Summary");
    ReportTable table;
    table.title = QStringLiteral("Both runs, and the change from A to B");
    table.header = {QStringLiteral("Figure"), QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("Change")};
    table.numeric = {false, true, true, true};
    auto add = [&table](const QString &name, const QString &valueA, const QString &valueB, const QString &delta) {
        table.rows.push_back({name, valueA, valueB, delta});
    };
    add(QStringLiteral("throughput (samples/s)"), NumberFormat::fixed(summaryA.samplesPerSecond, 1),
        NumberFormat::fixed(summaryB.samplesPerSecond, 1),
        change(summaryA.samplesPerSecond, summaryB.samplesPerSecond));
    table.emphasisedRows.push_back(0);
    add(QStringLiteral("wall time"), NumberFormat::seconds(summaryA.wallSeconds),
        NumberFormat::seconds(summaryB.wallSeconds), change(summaryA.wallSeconds, summaryB.wallSeconds));
    add(QStringLiteral("one stage at a time"), NumberFormat::seconds(summaryA.sequentialSeconds),
        NumberFormat::seconds(summaryB.sequentialSeconds),
        change(summaryA.sequentialSeconds, summaryB.sequentialSeconds));
    add(QStringLiteral("overlap gain (one stage at a time ÷ wall)"), NumberFormat::factor(summaryA.sequentialOverWall),
        NumberFormat::factor(summaryB.sequentialOverWall),
        change(summaryA.sequentialOverWall, summaryB.sequentialOverWall));
    add(QStringLiteral("wall ÷ slowest resource (1.00 is perfect)"), NumberFormat::fixed(summaryA.overlapEfficiency, 2),
        NumberFormat::fixed(summaryB.overlapEfficiency, 2),
        change(summaryA.overlapEfficiency, summaryB.overlapEfficiency));
    add(QStringLiteral("bottleneck"),
        summaryA.hasBottleneck ? NumberFormat::stageLabel(summaryA.bottleneck) : QStringLiteral("–"),
        summaryB.hasBottleneck ? NumberFormat::stageLabel(summaryB.bottleneck) : QStringLiteral("–"), QString());
    add(QStringLiteral("agent busy"), NumberFormat::percent(summaryA.agentBusyFraction),
        NumberFormat::percent(summaryB.agentBusyFraction),
        change(summaryA.agentBusyFraction, summaryB.agentBusyFraction));
    add(QStringLiteral("bytes on the wire per sample"), NumberFormat::bytes(summaryA.wireBytesPerSample),
        NumberFormat::bytes(summaryB.wireBytesPerSample),
        change(summaryA.wireBytesPerSample, summaryB.wireBytesPerSample));
    add(QStringLiteral("batches / samples"),
        NumberFormat::integer(summaryA.batches) + QStringLiteral(" / ") + NumberFormat::integer(summaryA.samples),
        NumberFormat::integer(summaryB.batches) + QStringLiteral(" / ") + NumberFormat::integer(summaryB.samples),
        QString());
    const auto valA = lastEpoch(a, Split::Val);
    const auto valB = lastEpoch(b, Split::Val);
    if (valA || valB) {
        add(QStringLiteral("last validation accuracy"),
            valA ? NumberFormat::percent(valA->accuracy) : QStringLiteral("–"),
            valB ? NumberFormat::percent(valB->accuracy) : QStringLiteral("–"),
            valA && valB ? change(valA->accuracy, valB->accuracy) : QString());
    }
    add(QStringLiteral("clock uncertainty"), QStringLiteral("± ") + NumberFormat::ms(summaryA.uncertaintyMs),
        QStringLiteral("± ") + NumberFormat::ms(summaryB.uncertaintyMs), QString());
    table.note = QStringLiteral("Change is B relative to A. Higher throughput is better; lower wall time and overlap "
                                "efficiency are better.");
    summary.blocks.emplace_back(QStringLiteral("%1. %2.").arg(labelA, capitalised(summaryA.verdict)));
    summary.blocks.emplace_back(QStringLiteral("%1. %2.").arg(labelB, capitalised(summaryB.verdict)));
    summary.blocks.emplace_back(table);
    document.sections.push_back(std::move(summary));

    ReportSection stages;
    stages.title = QStringLiteral("Stages");
    stages.blocks.emplace_back(
        ReportChart{QStringLiteral("Median latency per stage"),
                    ReportCharts::stageComparison(summaryA, summaryB, labelA, labelB, width),
                    QStringLiteral("Milliseconds one batch spends in each stage, median of each run.")});
    ReportTable stageRows;
    stageRows.title = QStringLiteral("Per-stage latency and busy time");
    stageRows.header = {QStringLiteral("Stage"),    QStringLiteral("p50 A"),   QStringLiteral("p50 B"),
                        QStringLiteral("Change"),   QStringLiteral("p95 A"),   QStringLiteral("p95 B"),
                        QStringLiteral("Busy % A"), QStringLiteral("Busy % B")};
    stageRows.numeric = {false, true, true, true, true, true, true, true};
    for (int i = 0; i < protocol::kStageCount; ++i) {
        const StageStats *sa = summaryA.stats(Stage(i));
        const StageStats *sb = summaryB.stats(Stage(i));
        if (!sa && !sb)
            continue;
        const QString none = QStringLiteral("–");
        stageRows.rows.push_back(
            {stageName(Stage(i)), sa ? NumberFormat::ms(sa->p50Ms, false) : none,
             sb ? NumberFormat::ms(sb->p50Ms, false) : none, sa && sb ? change(sa->p50Ms, sb->p50Ms) : none,
             sa ? NumberFormat::ms(sa->p95Ms, false) : none, sb ? NumberFormat::ms(sb->p95Ms, false) : none,
             sa ? NumberFormat::percent(sa->busyFraction) : none, sb ? NumberFormat::percent(sb->busyFraction) : none});
        stageRows.rowSwatches.push_back(ReportCharts::stageColor(Stage(i)));
    }
    stageRows.note =
        QStringLiteral("Milliseconds per batch. %1 Crosses the hosts: carries the clock uncertainty.").arg(kDagger);
    stages.blocks.emplace_back(stageRows);
    document.sections.push_back(std::move(stages));

    ReportSection overlap;
    overlap.title = QStringLiteral("Overlap");
    overlap.blocks.emplace_back(QStringLiteral("A: %1").arg(overlapParagraph(summaryA)));
    overlap.blocks.emplace_back(QStringLiteral("B: %1").arg(overlapParagraph(summaryB)));
    overlap.blocks.emplace_back(ReportChartRow{{
        ReportChart{labelA, ReportCharts::overlap(summaryA, half), QString()},
        ReportChart{labelB, ReportCharts::overlap(summaryB, half), QString()},
    }});
    overlap.blocks.emplace_back(ReportChartRow{{
        ReportChart{QStringLiteral("A: timeline excerpt"), ReportCharts::timeline(a, half), QString()},
        ReportChart{QStringLiteral("B: timeline excerpt"), ReportCharts::timeline(b, half), QString()},
    }});
    document.sections.push_back(std::move(overlap));

    ReportSection training;
    training.title = QStringLiteral("Training");
    training.blocks.emplace_back(
        ReportChart{QStringLiteral("Loss"), ReportCharts::lossComparison(a, b, labelA, labelB, width),
                    QStringLiteral("Training loss per optimiser step, both runs on one axis.")});
    document.sections.push_back(std::move(training));

    // Settings side by side; rows that differ are highlighted.
    ReportSection settings;
    settings.title = QStringLiteral("Run settings");
    std::map<QString, std::pair<QString, QString>> merged;
    std::vector<QString> order;
    for (int side = 0; side < 2; ++side) {
        for (const auto &[group, rows] : settingsGroups(side == 0 ? a.settings : b.settings)) {
            for (const auto &[key, value] : rows) {
                const QString name = group + QLatin1Char('.') + key;
                if (!merged.count(name))
                    order.push_back(name);
                (side == 0 ? merged[name].first : merged[name].second) = value;
            }
        }
    }
    ReportTable settingsTable;
    settingsTable.title = QStringLiteral("Settings of both runs");
    settingsTable.header = {QStringLiteral("Setting"), QStringLiteral("A"), QStringLiteral("B")};
    settingsTable.numeric = {false, false, false};
    for (const QString &name : order) {
        const auto &[valueA, valueB] = merged[name];
        settingsTable.rows.push_back(
            {name, valueA.isEmpty() ? QStringLiteral("–") : valueA, valueB.isEmpty() ? QStringLiteral("–") : valueB});
        if (valueA != valueB)
            settingsTable.emphasisedRows.push_back(int(settingsTable.rows.size()) - 1);
    }
    settingsTable.note = QStringLiteral("Highlighted rows differ between the runs.");
    if (!order.empty())
        settings.blocks.emplace_back(settingsTable);
    else
        settings.blocks.emplace_back(QStringLiteral("Neither run recorded its settings."));
    document.sections.push_back(std::move(settings));

    document.footer = footerFor(options.companionFiles);
    return document;
}

} // namespace tandem
