// Writes a Chrome/Perfetto trace (JSON Trace Event Format) of a run: one track per host and stage.
#pragma once

#include <QByteArray>
#include <QString>

namespace tandem {

struct RunRecord;

// Processes are the hosts ("desktop (client)", "network", "agent"), threads the stages.
// Every span becomes a complete ("X") event with ts/dur in microseconds from the run's start, on
// the client's clock. Trace viewers need the slices of one thread properly nested, so where
// spans of one stage overlap (concurrent batches) the extra ones go to lanes "decode (2)", ….
// Loss and throughput per step become counter ("C") tracks of the agent.
class ChromeTraceWriter {
public:
    static constexpr int kClientPid = 1;
    static constexpr int kNetworkPid = 2;
    static constexpr int kAgentPid = 3;

    [[nodiscard]] static QByteArray render(const RunRecord &record);
    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const RunRecord &record, const QString &path);
};

} // namespace tandem
