// The Runs list's rows: every run saved in the history folder, and the saving of the current one.
#pragma once

#include "jobs/background_job.h"
#include "timing/run_history.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

namespace tandem {

class TrainingSession;

// Files are read and written on BackgroundJobs; only summaries reach this thread. Attached to a
// session, it saves the run at each epoch's end and when it ends (finished, failed or stopped),
// one file per run, so Start never discards an earlier run.
class RunHistoryModel : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunHistoryModel)
public:
    enum Column {
        RunColumn,
        SettingsColumn,
        DateColumn,
        StatusColumn,
        EpochsColumn,
        AccuracyColumn,
        DurationColumn,
        ColumnCount
    };
    static constexpr int PathRole = Qt::UserRole + 1;

    // folder empty: RunHistory::defaultFolder().
    explicit RunHistoryModel(const QString &folder = {}, QObject *parent = nullptr);
    ~RunHistoryModel() override; // waits for a write under way

    void attach(TrainingSession *session);
    // Lists the folder again (off this thread); refreshed() follows.
    void refresh();
    // Writes what is pending now and waits (quitting, tests).
    void flush();

    // Moves the runs' files to the trash; undoDelete() brings the last deleted ones back.
    QString remove(const QStringList &paths);
    QString undoDelete();
    [[nodiscard]] bool canUndoDelete() const { return !m_lastDeleted.empty(); }

    [[nodiscard]] QString folder() const { return m_folder; }
    [[nodiscard]] const std::vector<RunHistoryEntry> &entries() const { return m_entries; }
    [[nodiscard]] const RunHistoryEntry *entryAt(int row) const;
    [[nodiscard]] int rowOf(const QString &path) const;
    // The file of the run under way (or of the last one), empty before its first save.
    [[nodiscard]] QString currentPath() const { return m_currentPath; }
    [[nodiscard]] bool isSaving() const { return m_saveJob.isRunning() || m_pending.has_value(); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    [[nodiscard]] static QString statusText(const RunHistoryEntry &entry, bool current);

Q_SIGNALS:
    void refreshed();
    void saved(const QString &path);
    void saveFailed(const QString &error);

private:
    struct Pending {
        std::shared_ptr<const RunRecord> record;
        QString path;
    };
    void saveCurrent();
    void startSave(Pending pending);
    void upsert(const RunHistoryEntry &entry);

    QString m_folder;
    QPointer<TrainingSession> m_session;
    bool m_sessionActive = false;
    QString m_currentPath;
    std::vector<RunHistoryEntry> m_entries; // newest first
    BackgroundJob m_scanJob;
    BackgroundJob m_saveJob;
    std::optional<Pending> m_pending;                       // the newest snapshot waiting for the write under way
    std::vector<std::pair<QString, QString>> m_lastDeleted; // trashed path, original path
};

} // namespace tandem
