#include "report/chrome_trace_writer.h"

#include "report/number_format.h"
#include "report/report_file.h"
#include "timing/run_record.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>

namespace tandem {

using protocol::Host;
using protocol::Stage;

namespace {

constexpr int kLaneStride = 100; // tid = (stage + 1) * 100 + lane

int pidOf(Host host)
{
    switch (host) {
    case Host::Client: return ChromeTraceWriter::kClientPid;
    case Host::Network: return ChromeTraceWriter::kNetworkPid;
    case Host::Agent: return ChromeTraceWriter::kAgentPid;
    }
    return ChromeTraceWriter::kClientPid;
}

// Nanosecond precision, in µs, without a double's rounding noise: "1234.567".
QByteArray microseconds(qint64 ns)
{
    const char *sign = ns < 0 ? "-" : "";
    const qint64 magnitude = ns < 0 ? -ns : ns;
    return sign + QByteArray::number(magnitude / 1000) + '.' +
           QByteArray::number(magnitude % 1000).rightJustified(3, '0');
}

QJsonObject metadata(const QString &name, int pid, int tid, const QJsonObject &args)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("ph"), QStringLiteral("M")},
                       {QStringLiteral("pid"), pid},
                       {QStringLiteral("tid"), tid},
                       {QStringLiteral("args"), args}};
}

struct Event {
    const BatchRecord *batch;
    protocol::Span span;
    int lane = 0;
};

} // namespace

QByteArray ChromeTraceWriter::render(const RunRecord &record)
{
    const qint64 origin = record.originNs();

    // Spans per stage in start order, each given the first lane that is free by its start.
    std::array<std::vector<Event>, protocol::kStageCount> byStage;
    for (const BatchRecord &batch : record.batches) {
        for (const protocol::Span &span : batch.spans)
            byStage[size_t(span.stage)].push_back({&batch, span, 0});
    }
    std::array<int, protocol::kStageCount> lanes{};
    for (auto &events : byStage) {
        std::stable_sort(events.begin(), events.end(),
                         [](const Event &a, const Event &b) { return a.span.startNs < b.span.startNs; });
        std::vector<qint64> laneEnds;
        for (Event &event : events) {
            const auto free = std::find_if(laneEnds.begin(), laneEnds.end(),
                                           [&event](qint64 end) { return end <= event.span.startNs; });
            if (free == laneEnds.end()) {
                event.lane = int(laneEnds.size());
                laneEnds.push_back(event.span.endNs);
            } else {
                event.lane = int(free - laneEnds.begin());
                *free = event.span.endNs;
            }
        }
        lanes[size_t(&events - byStage.data())] = int(laneEnds.size());
    }

    // Written by hand rather than through QJsonDocument: a long run has hundreds of thousands of
    // events, and every string in them is one of ours (stage labels, host keys, split names).
    QByteArray json;
    json.reserve(qsizetype(record.batches.size()) * 15 * 200 + 4096);
    json += "{\"traceEvents\":[\n";
    bool first = true;
    auto append = [&json, &first](const QByteArray &event) {
        if (!first)
            json += ",\n";
        first = false;
        json += event;
    };
    auto compact = [](const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); };

    for (Host host : {Host::Client, Host::Network, Host::Agent}) {
        const int pid = pidOf(host);
        append(compact(metadata(QStringLiteral("process_name"), pid, 0,
                                {{QStringLiteral("name"), NumberFormat::hostLabel(host)}})));
        append(compact(metadata(QStringLiteral("process_sort_index"), pid, 0, {{QStringLiteral("sort_index"), pid}})));
    }
    for (int s = 0; s < protocol::kStageCount; ++s) {
        const Stage stage = Stage(s);
        const int pid = pidOf(protocol::stageInfo(stage).host);
        for (int lane = 0; lane < lanes[size_t(s)]; ++lane) {
            const int tid = (s + 1) * kLaneStride + lane;
            const QString name = lane == 0
                                     ? NumberFormat::stageLabel(stage)
                                     : QStringLiteral("%1 (%2)").arg(NumberFormat::stageLabel(stage)).arg(lane + 1);
            append(compact(metadata(QStringLiteral("thread_name"), pid, tid, {{QStringLiteral("name"), name}})));
            append(compact(
                metadata(QStringLiteral("thread_sort_index"), pid, tid, {{QStringLiteral("sort_index"), tid}})));
        }
    }

    std::vector<const Event *> ordered;
    for (const auto &events : byStage) {
        for (const Event &event : events)
            ordered.push_back(&event);
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Event *a, const Event *b) { return a->span.startNs < b->span.startNs; });
    std::array<QByteArray, protocol::kStageCount> prefixes; // {"name":"decode","cat":"client","ph":"X",
    for (int s = 0; s < protocol::kStageCount; ++s) {
        const protocol::StageInfo &info = protocol::stageInfo(Stage(s));
        prefixes[size_t(s)] = "{\"name\":\"" + NumberFormat::stageLabel(info.stage).toUtf8() + "\",\"cat\":\"" +
                              NumberFormat::hostKey(info.host).toUtf8() + "\",\"ph\":\"X\",\"ts\":";
    }
    for (const Event *event : ordered) {
        const protocol::StageInfo &info = protocol::stageInfo(event->span.stage);
        QByteArray line = prefixes[size_t(info.stage)];
        line += microseconds(event->span.startNs - origin);
        line += ",\"dur\":" + microseconds(event->span.endNs - event->span.startNs);
        line += ",\"pid\":" + QByteArray::number(pidOf(info.host));
        line += ",\"tid\":" + QByteArray::number((int(info.stage) + 1) * kLaneStride + event->lane);
        line += ",\"args\":{\"batch\":" + QByteArray::number(event->batch->seq);
        line += ",\"epoch\":" + QByteArray::number(event->batch->epoch);
        line += ",\"split\":\"" + QByteArray(protocol::splitName(event->batch->split));
        line += "\",\"samples\":" + QByteArray::number(event->batch->samples) + "}}";
        append(line);
    }
    for (const StepPoint &step : record.steps) {
        if (!std::isfinite(step.loss))
            continue;
        append("{\"name\":\"training\",\"ph\":\"C\",\"ts\":" + microseconds(step.clientNs - origin) +
               ",\"pid\":" + QByteArray::number(kAgentPid) +
               ",\"args\":{\"loss\":" + QByteArray::number(double(step.loss), 'g', 7) + "}}");
    }

    const QJsonObject otherData{
        {QStringLiteral("title"), record.title},
        {QStringLiteral("startedAt"), record.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("clock"), QStringLiteral("desktop monotonic clock; each batch's agent spans shifted by the "
                                                 "offset estimated when its metrics arrived")},
        {QStringLiteral("clockOffsetNs"), QString::number(record.clockOffsetNs)},
        {QStringLiteral("clockUncertaintyNs"), QString::number(record.clockUncertaintyNs)},
    };
    json += "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":" + compact(otherData) + "}\n";
    return json;
}

QString ChromeTraceWriter::write(const RunRecord &record, const QString &path)
{
    return ReportFile::write(path, render(record));
}

} // namespace tandem
