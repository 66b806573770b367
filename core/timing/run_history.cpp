#include "timing/run_history.h"

#include "timing/session_file.h"
#include "timing/timing_log.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <set>

namespace tandem {

namespace {
const QString kTrash = QStringLiteral(".trash");

// A file name part from a dataset folder's name: letters, digits, '-' and '_' only.
QString slug(const QString &text)
{
    QString out = text.toLower();
    out.replace(QRegularExpression(QStringLiteral("[^a-z0-9_-]+")), QStringLiteral("-"));
    out = out.left(40);
    while (out.startsWith(QLatin1Char('-')))
        out.remove(0, 1);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out.isEmpty() ? QStringLiteral("run") : out;
}
} // namespace

RunHistoryEntry RunHistoryEntry::of(const RunRecord &record, const QString &path)
{
    RunHistoryEntry e;
    e.path = path;
    e.title = record.title;
    e.dataset = record.settings.value(QStringLiteral("dataset")).toString();
    e.startedAt = record.startedAt;
    e.outcome = record.outcome;
    e.outcomeMessage = record.outcomeMessage;
    const QJsonObject session = record.settings.value(QStringLiteral("session")).toObject();
    e.plannedEpochs = session.value(QStringLiteral("epochs")).toInt();
    if (session.contains(QStringLiteral("optimizer"))) {
        e.recipe = QStringLiteral("%1, lr %2, batch %3")
                       .arg(session.value(QStringLiteral("optimizer")).toString())
                       .arg(session.value(QStringLiteral("learningRate")).toDouble())
                       .arg(session.value(QStringLiteral("batchSize")).toInt());
    }
    e.trainSamples = qint64(record.settings.value(QStringLiteral("trainSamples")).toDouble());
    e.valSamples = qint64(record.settings.value(QStringLiteral("valSamples")).toDouble());
    std::set<quint32> trained;
    std::optional<double> lastTrain;
    for (const EpochPoint &epoch : record.epochs) {
        if (epoch.split == protocol::Split::Train) {
            trained.insert(epoch.epoch);
            lastTrain = epoch.accuracy;
        } else if (epoch.split == protocol::Split::Val) {
            e.finalAccuracy = epoch.accuracy;
        }
    }
    if (!e.finalAccuracy)
        e.finalAccuracy = lastTrain;
    e.epochs = int(trained.size());
    if (record.wallStartNs != 0 || !record.batches.empty())
        e.durationNs = std::max<qint64>(0, record.endNs() - record.originNs());
    return e;
}

QString RunHistory::defaultFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("runs"));
}

QString RunHistory::trashFolder(const QString &folder)
{
    return QDir(folder).filePath(kTrash);
}

QString RunHistory::newPath(const QString &folder, const RunRecord &record)
{
    const QDateTime when = record.startedAt.isValid() ? record.startedAt : QDateTime::currentDateTime();
    const QString dataset = QFileInfo(record.settings.value(QStringLiteral("dataset")).toString()).fileName();
    const QString base =
        when.toString(QStringLiteral("yyyyMMdd-HHmmss-")) + slug(dataset.isEmpty() ? record.title : dataset);
    const QDir dir(folder);
    QString path = dir.filePath(base + SessionFile::suffix());
    for (int n = 2;
         QFileInfo::exists(path) || QFileInfo::exists(QDir(trashFolder(folder)).filePath(QFileInfo(path).fileName()));
         ++n)
        path = dir.filePath(QStringLiteral("%1-%2%3").arg(base).arg(n).arg(SessionFile::suffix()));
    return path;
}

RunHistory::Listing RunHistory::scan(const QString &folder, const std::atomic<bool> *cancel)
{
    Listing listing;
    const QDir dir(folder);
    const QStringList names = dir.entryList({QLatin1Char('*') + SessionFile::suffix()}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        if (cancel && *cancel)
            break;
        const QString path = dir.filePath(name);
        const SessionFile::LoadResult loaded = SessionFile::load(path);
        if (!loaded.ok()) {
            listing.unreadable << loaded.message;
            continue;
        }
        listing.entries.push_back(RunHistoryEntry::of(*loaded.run, path));
    }
    std::stable_sort(listing.entries.begin(), listing.entries.end(),
                     [](const RunHistoryEntry &a, const RunHistoryEntry &b) { return a.startedAt > b.startedAt; });
    return listing;
}

QString RunHistory::save(const RunRecord &record, const QString &path)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(folder));
    return SessionFile::save(record, path);
}

QString RunHistory::moveToTrash(const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString trash = trashFolder(info.absolutePath());
    if (!QDir().mkpath(trash)) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(trash));
        return {};
    }
    const QString target = QDir(trash).filePath(info.fileName());
    QFile::remove(target); // an older copy of the same name, already deleted once
    if (!QFile::rename(path, target)) {
        if (error)
            *error = QStringLiteral("cannot move %1 to %2")
                         .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(trash));
        return {};
    }
    return target;
}

QString RunHistory::restore(const QString &trashedPath, const QString &originalPath)
{
    if (QFileInfo::exists(originalPath))
        return QStringLiteral("%1 exists already").arg(QDir::toNativeSeparators(originalPath));
    if (!QFile::rename(trashedPath, originalPath))
        return QStringLiteral("cannot move %1 back").arg(QDir::toNativeSeparators(trashedPath));
    return {};
}

void RunHistory::emptyTrash(const QString &folder)
{
    QDir trash(trashFolder(folder));
    if (trash.exists() && !trash.removeRecursively())
        qCWarning(lcTiming) << "cannot empty" << trash.path();
}

} // namespace tandem
