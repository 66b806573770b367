#include "curation_model.h"

#include "curation/image_issue_flagger.h"
#include "curation/manifest_document.h"
#include "thumbnail_service.h"

#include <QFileInfo>
#include <QIODevice>
#include <QImage>
#include <QMimeData>
#include <QPainter>

namespace tandem {

namespace {
constexpr int kThumbnailSide = 128;
} // namespace

CurationModel::CurationModel(ManifestDocument *document, ThumbnailService *thumbnails, QObject *parent)
    : QAbstractListModel(parent), m_document(document), m_thumbnails(thumbnails)
{
    connect(m_thumbnails, &ThumbnailService::loaded, this, &CurationModel::onLoaded);
    connect(m_document, &ManifestDocument::changed, this, &CurationModel::rebuild);
    rebuild();
}

CurationModel::~CurationModel() = default;

void CurationModel::setClassFilter(int label)
{
    m_label = label;
    rebuild();
}

void CurationModel::setIssues(std::vector<quint32> issues)
{
    m_issues = std::move(issues);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {Qt::ToolTipRole, Qt::DisplayRole});
}

void CurationModel::rebuild()
{
    const DatasetManifest &manifest = m_document->manifest();
    if (m_issues.size() != manifest.entries.size())
        m_issues.assign(manifest.entries.size(), 0);
    beginResetModel();
    if (manifest.root != m_root || manifest.entries.size() != m_rowOfEntry.size()) {
        // Another manifest: entry numbers mean other images now.
        m_root = manifest.root;
        m_entryOfPath.clear();
        for (size_t i = 0; i < manifest.entries.size(); ++i)
            m_entryOfPath.insert(manifest.absolutePath(manifest.entries[i]), int(i));
    }
    m_rows.clear();
    m_rowOfEntry.assign(manifest.entries.size(), -1);
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
        if (m_label < 0 || manifest.entries[i].label == m_label) {
            m_rowOfEntry[i] = int(m_rows.size());
            m_rows.push_back(int(i));
        }
    }
    endResetModel();
}

int CurationModel::entryAt(int row) const
{
    return row >= 0 && size_t(row) < m_rows.size() ? m_rows[size_t(row)] : -1;
}

int CurationModel::rowOfEntry(int entry) const
{
    return entry >= 0 && size_t(entry) < m_rowOfEntry.size() ? m_rowOfEntry[size_t(entry)] : -1;
}

int CurationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant CurationModel::data(const QModelIndex &index, int role) const
{
    const int entryIndex = entryAt(index.row());
    if (entryIndex < 0)
        return {};
    const DatasetManifest &manifest = m_document->manifest();
    const ManifestEntry &entry = manifest.entries[size_t(entryIndex)];
    const quint32 issues = size_t(entryIndex) < m_issues.size() ? m_issues[size_t(entryIndex)] : 0;
    switch (role) {
    case Qt::DisplayRole: {
        QString name = QFileInfo(entry.relativePath).fileName();
        if (!entry.included)
            name = tr("✕ %1").arg(name);
        else if (issues != 0)
            name = tr("⚠ %1").arg(name);
        return name;
    }
    case Qt::ToolTipRole: {
        QString tip =
            tr("%1\nclass: %2%3\nsplit: %4\n%5")
                .arg(entry.relativePath, manifest.className(entry),
                     entry.originalClass != manifest.className(entry) ? tr(" (was %1)").arg(entry.originalClass)
                                                                      : QString(),
                     entry.split == SampleSplit::Val ? tr("validation") : tr("train"),
                     entry.included ? tr("included") : tr("excluded"));
        if (issues != 0)
            tip += tr("\nissues: %1").arg(ImageIssueFlagger::describe(issues));
        if (const QString failure = m_thumbnails->failure(manifest.absolutePath(entry)); !failure.isEmpty())
            tip += tr("\ncannot show: %1").arg(failure);
        return tip;
    }
    case Qt::ForegroundRole: return entry.included ? QVariant() : QVariant(QColor(Qt::gray));
    case Qt::DecorationRole: {
        const QPixmap cached = m_thumbnails->thumbnail(manifest.absolutePath(entry), kThumbnailSide);
        if (cached.isNull())
            return {}; // queued; loaded() brings it
        if (entry.included)
            return cached;
        QPixmap faded(cached.size());
        faded.fill(Qt::transparent);
        QPainter painter(&faded);
        painter.setOpacity(0.3);
        painter.drawPixmap(0, 0, cached);
        return faded;
    }
    case Qt::SizeHintRole:
        // Uniform item sizes take the first item's: make it the same before its thumbnail arrives.
        return QSize(kThumbnailSide + 16, kThumbnailSide + 2 * 18);
    case EntryRole: return entryIndex;
    case IncludedRole: return entry.included;
    case LabelRole: return entry.label;
    default: return {};
    }
}

Qt::ItemFlags CurationModel::flags(const QModelIndex &index) const
{
    return QAbstractListModel::flags(index) | (index.isValid() ? Qt::ItemIsDragEnabled : Qt::NoItemFlags);
}

QStringList CurationModel::mimeTypes() const
{
    return {QString::fromLatin1(kMimeType)};
}

QMimeData *CurationModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList entries;
    for (const QModelIndex &index : indexes) {
        const int entry = entryAt(index.row());
        if (entry >= 0)
            entries << QString::number(entry);
    }
    auto *mime = new QMimeData; // ownership passes to the drag, as Qt's model/view expects
    mime->setData(QString::fromLatin1(kMimeType), entries.join(u',').toLatin1());
    return mime;
}

std::vector<int> CurationModel::entriesFromMime(const QMimeData *mime)
{
    std::vector<int> entries;
    if (!mime || !mime->hasFormat(QString::fromLatin1(kMimeType)))
        return entries;
    for (const QByteArray &part : mime->data(QString::fromLatin1(kMimeType)).split(',')) {
        bool ok = false;
        const int entry = part.toInt(&ok);
        if (ok && entry >= 0)
            entries.push_back(entry);
    }
    return entries;
}

void CurationModel::onLoaded(const QString &path)
{
    const auto it = m_entryOfPath.constFind(path);
    if (it == m_entryOfPath.constEnd())
        return; // another view's image
    const int row = rowOfEntry(*it);
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole});
}

} // namespace tandem
