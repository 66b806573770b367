// Checks a Chrome trace the way a person relies on it in Perfetto: the fields viewers need, one
// track per host and stage, and every batch's spans in pipeline order on the corrected timeline.
#pragma once

#include "report/number_format.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace tandem::testing {

class TraceChecker {
public:
    struct Result {
        QString problem; // empty when the trace holds
        int completeEvents = 0;
        int batches = 0;
    };

    // uncertaintyNs: the clock offset's bound; where a batch crosses from one host's clock to the
    // other's, its spans may look out of order by that much and no more.
    [[nodiscard]] static Result check(const QByteArray &json, qint64 uncertaintyNs)
    {
        Result result;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(json, &error);
        if (error.error != QJsonParseError::NoError) {
            result.problem = QStringLiteral("not JSON: ") + error.errorString();
            return result;
        }
        const QJsonArray events = document.object().value(QStringLiteral("traceEvents")).toArray();
        if (events.isEmpty()) {
            result.problem = QStringLiteral("no traceEvents");
            return result;
        }

        std::set<QString> processNames;
        std::map<std::pair<int, int>, QString> threadNames;
        std::map<qint64, std::map<int, Slice>> byBatch; // batch → stage → slice
        std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> byTrack;
        for (const QJsonValue &value : events) {
            const QJsonObject event = value.toObject();
            const QString ph = event.value(QStringLiteral("ph")).toString();
            const QString name = event.value(QStringLiteral("name")).toString();
            if (ph == QLatin1String("M")) {
                const QString argName =
                    event.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
                if (name == QLatin1String("process_name"))
                    processNames.insert(argName);
                if (name == QLatin1String("thread_name"))
                    threadNames[{event.value(QStringLiteral("pid")).toInt(),
                                 event.value(QStringLiteral("tid")).toInt()}] = argName;
                continue;
            }
            if (ph != QLatin1String("X"))
                continue;
            ++result.completeEvents;
            for (const char *field : {"name", "cat", "ph", "ts", "dur", "pid", "tid"}) {
                if (!event.contains(QLatin1String(field))) {
                    result.problem = QStringLiteral("an X event lacks \"%1\"").arg(QLatin1String(field));
                    return result;
                }
            }
            if (!event.value(QStringLiteral("ts")).isDouble() || !event.value(QStringLiteral("dur")).isDouble()) {
                result.problem = QStringLiteral("ts and dur must be numbers");
                return result;
            }
            const Slice slice{event.value(QStringLiteral("ts")).toDouble(),
                              event.value(QStringLiteral("ts")).toDouble() +
                                  event.value(QStringLiteral("dur")).toDouble()};
            if (slice.start < 0.0 || slice.end < slice.start) {
                result.problem = QStringLiteral("negative ts or dur on \"%1\"").arg(name);
                return result;
            }
            const std::pair<int, int> track{event.value(QStringLiteral("pid")).toInt(),
                                            event.value(QStringLiteral("tid")).toInt()};
            if (!threadNames.count(track)) {
                result.problem = QStringLiteral("track %1/%2 has no thread_name before its events")
                                     .arg(track.first)
                                     .arg(track.second);
                return result;
            }
            byTrack[track].emplace_back(slice.start, slice.end);
            const std::optional<int> stage = stageOf(name);
            const qint64 batch =
                event.value(QStringLiteral("args")).toObject().value(QStringLiteral("batch")).toInteger(-1);
            if (!stage || batch < 0) {
                result.problem =
                    QStringLiteral("an X event without a known stage name or args.batch: \"%1\"").arg(name);
                return result;
            }
            byBatch[batch][*stage] = slice;
        }
        for (const char *host : {"desktop (client)", "network", "agent"}) {
            if (!processNames.count(QLatin1String(host))) {
                result.problem = QStringLiteral("no process named \"%1\"").arg(QLatin1String(host));
                return result;
            }
        }
        // Slices on one track must not overlap: viewers need them nested.
        for (auto &[track, slices] : byTrack) {
            std::sort(slices.begin(), slices.end());
            for (size_t i = 1; i < slices.size(); ++i) {
                if (slices[i].first < slices[i - 1].second - kEpsilonUs) {
                    result.problem =
                        QStringLiteral("overlapping slices on track %1/%2").arg(track.first).arg(track.second);
                    return result;
                }
            }
        }
        result.batches = int(byBatch.size());
        const double crossHostUs = double(uncertaintyNs) / 1000.0 + kEpsilonUs;
        for (const auto &[batch, stages] : byBatch) {
            result.problem = checkBatch(batch, stages, crossHostUs);
            if (!result.problem.isEmpty())
                return result;
        }
        return result;
    }

private:
    static constexpr double kEpsilonUs = 1e-3; // the trace's nanosecond rounding

    struct Slice {
        double start = 0.0;
        double end = 0.0;
    };

    static std::optional<int> stageOf(const QString &name)
    {
        for (int s = 0; s < protocol::kStageCount; ++s) {
            if (NumberFormat::stageLabel(protocol::Stage(s)) == name)
                return s;
        }
        return std::nullopt;
    }

    // Along the pipeline, each working stage starts no earlier than the one before it ended. Two
    // edges are looser by nature: the agent may start receiving before the desktop has finished
    // sending (so receive is held to start after send starts), and the network span is derived
    // from the two ends, so it is only held to start after send starts. Where the edge crosses
    // hosts, the clock uncertainty is allowed.
    static QString checkBatch(qint64 batch, const std::map<int, Slice> &stages, double crossHostUs)
    {
        using protocol::Host;
        using protocol::Stage;
        const Slice *previous = nullptr;
        int previousStage = -1;
        for (const auto &[stage, slice] : stages) {
            const Stage current = Stage(stage);
            if (current == Stage::Network) {
                const auto send = stages.find(int(Stage::Send));
                if (send != stages.end() && slice.start < send->second.start - kEpsilonUs)
                    return QStringLiteral("batch %1: network starts before send").arg(batch);
                continue;
            }
            if (previous) {
                const bool crossesHosts =
                    protocol::stageInfo(current).host != protocol::stageInfo(Stage(previousStage)).host;
                const double tolerance = crossesHosts ? crossHostUs : kEpsilonUs;
                const bool upload = current == Stage::Receive && Stage(previousStage) == Stage::Send;
                const double bound = upload ? previous->start : previous->end;
                if (slice.start < bound - tolerance) {
                    return QStringLiteral("batch %1: %2 starts %3 µs before %4 %5 (tolerance %6 µs)")
                        .arg(batch)
                        .arg(NumberFormat::stageLabel(current))
                        .arg(bound - slice.start, 0, 'f', 3)
                        .arg(NumberFormat::stageLabel(Stage(previousStage)),
                             upload ? QStringLiteral("starts") : QStringLiteral("ends"))
                        .arg(tolerance, 0, 'f', 3);
                }
            }
            previous = &slice;
            previousStage = stage;
        }
        return {};
    }
};

} // namespace tandem::testing
