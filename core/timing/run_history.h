// The app's run history: one session file per run in a folder, each listed with a short summary.
#pragma once

#include "timing/run_record.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

namespace tandem {

// What the Runs list shows of one saved run, without holding its spans.
struct RunHistoryEntry {
    QString path;
    QString title;
    QString dataset; // the dataset folder, as the run's settings name it
    QString recipe;  // what usually differs between two runs of a dataset: "sgd, lr 0.05, batch 64"
    QDateTime startedAt;
    RunOutcome outcome = RunOutcome::Unknown;
    QString outcomeMessage;
    int epochs = 0;                      // epochs with a training summary
    int plannedEpochs = 0;               // as configured; 0 when the settings do not say
    std::optional<double> finalAccuracy; // 0..1: the last validation accuracy, else the last training one
    qint64 durationNs = 0;
    qint64 trainSamples = 0;
    qint64 valSamples = 0;

    [[nodiscard]] static RunHistoryEntry of(const RunRecord &record, const QString &path);
};

// Plain functions over a folder, safe on any thread; the UI calls them from a BackgroundJob.
// Deleting moves a file into the folder's .trash/, from where it can be put back; the trash is
// emptied by emptyTrash() (the app does so when it starts).
class RunHistory {
public:
    // AppDataLocation/runs.
    [[nodiscard]] static QString defaultFolder();
    [[nodiscard]] static QString trashFolder(const QString &folder);
    // A new file for the run, unique in folder: "20260314-092653-fashion-mnist.tandem-run.json".
    [[nodiscard]] static QString newPath(const QString &folder, const RunRecord &record);

    struct Listing {
        std::vector<RunHistoryEntry> entries; // newest first
        QStringList unreadable;               // "path: why", for files that are not runs
    };
    // Reads every session file of the folder (not the trash); stops early when cancel is set.
    [[nodiscard]] static Listing scan(const QString &folder, const std::atomic<bool> *cancel = nullptr);

    // Creates the folder when needed and writes atomically. Returns the error, empty on success.
    [[nodiscard]] static QString save(const RunRecord &record, const QString &path);
    // Moves path into the trash; returns where it went, or empty with *error set.
    [[nodiscard]] static QString moveToTrash(const QString &path, QString *error = nullptr);
    // Puts a trashed file back at originalPath. Returns the error, empty on success.
    [[nodiscard]] static QString restore(const QString &trashedPath, const QString &originalPath);
    static void emptyTrash(const QString &folder);
};

} // namespace tandem
