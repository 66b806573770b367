#include "run_history_model.h"

#include "common/duration_format.h"
#include "session/training_session.h"
#include "theme.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace tandem {

RunHistoryModel::RunHistoryModel(const QString &folder, QObject *parent)
    : QAbstractTableModel(parent), m_folder(folder.isEmpty() ? RunHistory::defaultFolder() : folder)
{
    RunHistory::emptyTrash(m_folder); // what was deleted in an earlier session, confirmed then
    refresh();
}

RunHistoryModel::~RunHistoryModel()
{
    m_scanJob.discard();
    flush();
}

void RunHistoryModel::attach(TrainingSession *session)
{
    m_session = session;
    connect(session, &TrainingSession::stateChanged, this, [this] {
        const bool active = m_session->isActive();
        if (active && !m_sessionActive)
            m_currentPath.clear(); // a new run: a new file
        m_sessionActive = active;
        if (!m_currentPath.isEmpty()) {
            const int row = rowOf(m_currentPath);
            if (row >= 0)
                Q_EMIT dataChanged(index(row, StatusColumn), index(row, StatusColumn));
        }
    });
    // Each epoch's end is a checkpoint of the history: a crash loses at most one epoch.
    connect(session, &TrainingSession::epochMetrics, this, [this](const EpochPoint &point) {
        if (point.split == protocol::Split::Val ||
            m_session->record().settings.value(QStringLiteral("valSamples")).toDouble() == 0)
            saveCurrent();
    });
    connect(session, &TrainingSession::finished, this, [this] { saveCurrent(); });
}

void RunHistoryModel::saveCurrent()
{
    const RunRecord &record = m_session->record();
    if (!record.startedAt.isValid())
        return; // refused before it started: nothing ran
    if (m_currentPath.isEmpty())
        m_currentPath = RunHistory::newPath(m_folder, record);
    // The worker gets its own copy: the session goes on appending to its record.
    startSave({std::make_shared<const RunRecord>(record), m_currentPath});
}

void RunHistoryModel::startSave(Pending pending)
{
    if (m_saveJob.isRunning()) {
        m_pending = std::move(pending); // only the newest snapshot of a run is worth writing
        return;
    }
    m_saveJob.start([this, pending](const std::atomic<bool> &, const BackgroundJob::Progress &) {
        const QString error = RunHistory::save(*pending.record, pending.path);
        const RunHistoryEntry entry = RunHistoryEntry::of(*pending.record, pending.path);
        return BackgroundJob::Finish([this, error, entry] {
            if (error.isEmpty()) {
                upsert(entry);
                Q_EMIT saved(entry.path);
            } else {
                Q_EMIT saveFailed(error);
            }
            if (m_pending) {
                Pending next = std::move(*m_pending);
                m_pending.reset();
                startSave(std::move(next));
            }
        });
    });
}

void RunHistoryModel::flush()
{
    m_saveJob.waitForFinished();
    if (m_pending) {
        // No event loop to wait for: the newest snapshot is written here.
        const QString error = RunHistory::save(*m_pending->record, m_pending->path);
        if (error.isEmpty())
            upsert(RunHistoryEntry::of(*m_pending->record, m_pending->path));
        m_pending.reset();
    }
}

void RunHistoryModel::refresh()
{
    const QString folder = m_folder;
    m_scanJob.start([this, folder](const std::atomic<bool> &cancel, const BackgroundJob::Progress &) {
        RunHistory::Listing listing = RunHistory::scan(folder, &cancel);
        return BackgroundJob::Finish([this, listing = std::move(listing)]() mutable {
            beginResetModel();
            m_entries = std::move(listing.entries);
            endResetModel();
            Q_EMIT refreshed();
        });
    });
}

void RunHistoryModel::upsert(const RunHistoryEntry &entry)
{
    const int row = rowOf(entry.path);
    if (row >= 0) {
        m_entries[size_t(row)] = entry;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    if (!QFileInfo::exists(entry.path))
        return; // deleted while it was being written
    const auto at = std::find_if(m_entries.begin(), m_entries.end(),
                                 [&](const RunHistoryEntry &e) { return e.startedAt < entry.startedAt; });
    const int position = int(at - m_entries.begin());
    beginInsertRows({}, position, position);
    m_entries.insert(at, entry);
    endInsertRows();
}

QString RunHistoryModel::remove(const QStringList &paths)
{
    m_lastDeleted.clear();
    QString firstError;
    for (const QString &path : paths) {
        if (path == m_currentPath && m_session && m_session->isActive()) {
            firstError = tr("The run under way cannot be deleted; stop it first.");
            continue;
        }
        QString error;
        const QString trashed = RunHistory::moveToTrash(path, &error);
        if (trashed.isEmpty()) {
            if (firstError.isEmpty())
                firstError = error;
            continue;
        }
        m_lastDeleted.emplace_back(trashed, path);
        const int row = rowOf(path);
        if (row >= 0) {
            beginRemoveRows({}, row, row);
            m_entries.erase(m_entries.begin() + row);
            endRemoveRows();
        }
    }
    return firstError;
}

QString RunHistoryModel::undoDelete()
{
    QString firstError;
    for (const auto &[trashed, original] : m_lastDeleted) {
        if (const QString error = RunHistory::restore(trashed, original); !error.isEmpty() && firstError.isEmpty())
            firstError = error;
    }
    m_lastDeleted.clear();
    refresh();
    return firstError;
}

const RunHistoryEntry *RunHistoryModel::entryAt(int row) const
{
    return row >= 0 && row < int(m_entries.size()) ? &m_entries[size_t(row)] : nullptr;
}

int RunHistoryModel::rowOf(const QString &path) const
{
    const auto it =
        std::find_if(m_entries.begin(), m_entries.end(), [&](const RunHistoryEntry &e) { return e.path == path; });
    return it == m_entries.end() ? -1 : int(it - m_entries.begin());
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunHistoryModel::statusText(const RunHistoryEntry &entry, bool current)
{
    switch (entry.outcome) {
    case RunOutcome::Running: return current ? tr("Running") : tr("Interrupted");
    case RunOutcome::Finished: return tr("Finished");
    case RunOutcome::Stopped: return tr("Stopped");
    case RunOutcome::Failed: return tr("Failed");
    case RunOutcome::Unknown: break;
    }
    return tr("Saved");
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    const RunHistoryEntry *e = entryAt(index.row());
    if (!e || index.column() >= ColumnCount)
        return {};
    if (role == PathRole)
        return e->path;
    if (role == Qt::ToolTipRole) {
        QString tip = tr("%1\nDataset: %2\n%3 training · %4 validation images")
                          .arg(e->title, QDir::toNativeSeparators(e->dataset))
                          .arg(QLocale().toString(e->trainSamples), QLocale().toString(e->valSamples));
        if (!e->outcomeMessage.isEmpty())
            tip += QLatin1Char('\n') + e->outcomeMessage;
        return tip;
    }
    if (role == Qt::DecorationRole && index.column() == StatusColumn) {
        const bool running = e->path == m_currentPath && m_session && m_session->isActive();
        switch (e->outcome) {
        case RunOutcome::Finished: return Theme::dot(Theme::success());
        case RunOutcome::Failed: return Theme::dot(Theme::error());
        case RunOutcome::Running: return Theme::dot(running ? Theme::accent() : Theme::warning());
        case RunOutcome::Stopped:
        case RunOutcome::Unknown: return Theme::dot(Theme::muted());
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() >= EpochsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    const bool current = e->path == m_currentPath && m_session && m_session->isActive();
    switch (Column(index.column())) {
    case RunColumn: return e->title.isEmpty() ? QFileInfo(e->dataset).fileName() : e->title;
    case SettingsColumn: return e->recipe;
    case DateColumn: return QLocale().toString(e->startedAt, QLocale::ShortFormat);
    case StatusColumn: return statusText(*e, current);
    case EpochsColumn:
        return e->plannedEpochs > 0 && e->plannedEpochs != e->epochs
                   ? tr("%1 of %2").arg(e->epochs).arg(e->plannedEpochs)
                   : QString::number(e->epochs);
    case AccuracyColumn:
        return e->finalAccuracy ? QStringLiteral("%1 %").arg(*e->finalAccuracy * 100.0, 0, 'f', 1) : tr("–");
    case DurationColumn:
        return e->durationNs > 0 ? formatDuration(double(e->durationNs) / 1e9, DurationStyle::Words) : tr("–");
    case ColumnCount: break;
    }
    return {};
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case RunColumn: return tr("Run");
    case SettingsColumn: return tr("Settings");
    case DateColumn: return tr("Started");
    case StatusColumn: return tr("Status");
    case EpochsColumn: return tr("Epochs");
    case AccuracyColumn: return tr("Accuracy");
    case DurationColumn: return tr("Duration");
    case ColumnCount: break;
    }
    return {};
}

} // namespace tandem
