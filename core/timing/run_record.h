// Everything recorded about one training run: settings, per-batch spans, steps and epochs.
#pragma once

#include "timing/batch_record.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <utility>
#include <vector>

namespace tandem {

// One optimiser step's metrics, as the agent reported them.
struct StepPoint {
    quint64 seq = 0;
    quint32 epoch = 0;
    float loss = 0.F;
    float learningRate = 0.F;
    float samplesPerSecond = 0.F;
    qint64 clientNs = 0; // client clock, when the metrics arrived
};

// One split of one epoch, as the agent summarised it.
struct EpochPoint {
    quint32 epoch = 0;
    protocol::Split split = protocol::Split::Train;
    float meanLoss = 0.F;
    float accuracy = 0.F; // 0..1
    quint32 samples = 0;
};

// How a run ended, as its session file says. Unknown: a file from before outcomes were kept.
enum class RunOutcome : quint8 {
    Unknown,
    Running, // saved during the run; a file still saying so after the run means it was cut off
    Finished,
    Stopped,
    Failed,
};

// "running", "finished", ...: the session file's spelling.
[[nodiscard]] const char *runOutcomeName(RunOutcome outcome);

// The unit that reports are made from and that session files store.
struct RunRecord {
    QString title;
    QDateTime startedAt;
    // Free-form: dataset, preprocessing, session config, agent info. Reports show it as tables,
    // one per top-level object; scalar values go into a "run" table.
    QJsonObject settings;
    qint64 wallStartNs = 0; // client clock
    qint64 wallEndNs = 0;
    qint64 clockOffsetNs = 0;      // agent − client, as estimated when the run ended
    qint64 clockUncertaintyNs = 0; // ± bound on every figure that crosses hosts: the widest batch's
    std::vector<BatchRecord> batches;
    std::vector<StepPoint> steps;
    std::vector<EpochPoint> epochs;
    RunOutcome outcome = RunOutcome::Unknown;
    QString outcomeMessage; // the session's last word: "Finished 3 epochs: …", the error
    // Client-clock intervals [start, end) during which the run was paused with nothing in flight.
    // The summary leaves them out: only active time counts, so a pause changes no figure.
    std::vector<std::pair<qint64, qint64>> pauses;

    // The origin of every report's timeline: wallStartNs (the first span instead when none is set
    // or a span starts before it, so that no relative time is negative).
    [[nodiscard]] qint64 originNs() const;
    // The end of the run: wallEndNs, or the last span's end when that is later.
    [[nodiscard]] qint64 endNs() const;
};

} // namespace tandem
