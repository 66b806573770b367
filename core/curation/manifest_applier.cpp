#include "curation/manifest_applier.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>

#include <vector>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcApply, "tandem.curation")

constexpr qint64 kProgressEvery = 64;

bool usesSplitFolders(const DatasetManifest &manifest)
{
    return std::any_of(manifest.entries.begin(), manifest.entries.end(), [](const ManifestEntry &e) {
        return e.relativePath.startsWith(QLatin1String("train/")) || e.relativePath.startsWith(QLatin1String("val/"));
    });
}

QString withSuffix(const QString &path, int n)
{
    const QFileInfo info(path);
    const QString folder = info.path() == QLatin1String(".") ? QString() : info.path() + u'/';
    const QString suffix = info.suffix().isEmpty() ? QString() : u'.' + info.suffix();
    return folder + info.completeBaseName() + u'-' + QString::number(n) + suffix;
}
} // namespace

QString ManifestApplier::targetPath(const DatasetManifest &manifest, const ManifestEntry &entry, bool splitFolders)
{
    if (!entry.included)
        return entry.relativePath.startsWith(QLatin1String(kExcludedFolder) + u'/')
                   ? entry.relativePath
                   : QLatin1String(kExcludedFolder) + u'/' + entry.relativePath;
    const QString name = QFileInfo(entry.relativePath).fileName();
    const QString folder = manifest.className(entry);
    if (splitFolders)
        return (entry.split == SampleSplit::Val ? QStringLiteral("val/") : QStringLiteral("train/")) + folder + u'/' +
               name;
    return folder + u'/' + name;
}

ApplyResult ManifestApplier::apply(const DatasetManifest &manifest, const std::atomic<bool> *cancel,
                                   const std::function<void(qint64, qint64)> &progress)
{
    ApplyResult result;
    result.manifest = manifest;
    const QDir root(manifest.root);
    if (manifest.root.isEmpty() || !root.exists()) {
        result.error =
            QStringLiteral("the dataset folder %1 does not exist").arg(QDir::toNativeSeparators(manifest.root));
        return result;
    }
    const bool splitFolders = usesSplitFolders(manifest);

    // Plan every move first, so that names are unique against the files that stay and each other.
    QSet<QString> taken;
    for (const ManifestEntry &entry : manifest.entries)
        taken.insert(entry.relativePath);
    std::vector<std::pair<size_t, QString>> moves; // entry, new relative path
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        const ManifestEntry &entry = manifest.entries[i];
        QString target = targetPath(manifest, entry, splitFolders);
        if (target == entry.relativePath)
            continue;
        const QString wanted = target;
        for (int n = 2; taken.contains(target) || QFileInfo::exists(root.filePath(target)); ++n)
            target = withSuffix(wanted, n);
        taken.insert(target);
        moves.emplace_back(i, target);
    }

    std::vector<std::pair<QString, QString>> done; // absolute from, to: for the rollback
    auto rollback = [&done] {
        for (auto it = done.rbegin(); it != done.rend(); ++it) {
            if (!QFile::rename(it->second, it->first))
                qCWarning(lcApply) << "could not move back" << it->second << "to" << it->first;
        }
    };
    const qint64 total = qint64(moves.size());
    for (qint64 k = 0; k < total; ++k) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            rollback();
            result.manifest = manifest;
            result.error = QStringLiteral("cancelled; no file was moved");
            return result;
        }
        const auto &[entryIndex, target] = moves[size_t(k)];
        const QString from = root.filePath(manifest.entries[entryIndex].relativePath);
        const QString to = root.filePath(target);
        if (!QDir().mkpath(QFileInfo(to).absolutePath()) || !QFile::rename(from, to)) {
            rollback();
            result.manifest = manifest;
            result.error = QStringLiteral("cannot move %1 to %2; the files moved before it are back in place")
                               .arg(QDir::toNativeSeparators(from), QDir::toNativeSeparators(to));
            return result;
        }
        done.emplace_back(from, to);
        ManifestEntry &entry = result.manifest.entries[entryIndex];
        entry.relativePath = target;
        if (progress && (k % kProgressEvery == 0 || k + 1 == total))
            progress(k + 1, total);
    }
    // Class folders emptied by the moves would scan as classes without images: remove them
    // (rmdir only removes an empty folder), deepest first.
    QStringList emptied;
    for (const auto &move : done)
        emptied << QFileInfo(move.first).absolutePath();
    emptied.removeDuplicates();
    std::sort(emptied.begin(), emptied.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &folder : emptied)
        QDir().rmdir(folder);

    for (ManifestEntry &entry : result.manifest.entries) {
        if (entry.included) {
            entry.originalClass = result.manifest.className(entry);
            if (splitFolders)
                entry.originalSplit = entry.split;
        }
    }
    result.moved = total;
    qCInfo(lcApply).noquote()
        << QStringLiteral("applied the manifest to %1: %2 files moved").arg(manifest.root).arg(total);
    return result;
}

} // namespace tandem
