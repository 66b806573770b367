#include "dataset_model.h"

#include "preview/thumbnail_loader.h"
#include "thumbnail_service.h"

#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QLocale>

namespace tandem {

DatasetModel::DatasetModel(ThumbnailService *thumbnails, QObject *parent)
    : QAbstractListModel(parent), m_samples(std::make_shared<std::vector<IndexedSample>>()),
      m_ownThumbnails(thumbnails ? nullptr : std::make_unique<ThumbnailService>()),
      m_thumbnails(thumbnails ? thumbnails : m_ownThumbnails.get())
{
    connect(m_thumbnails, &ThumbnailService::loaded, this, &DatasetModel::onLoaded);
}

const ThumbnailLoader &DatasetModel::loader() const
{
    return m_thumbnails->loader();
}

DatasetModel::~DatasetModel() = default;

void DatasetModel::setIndex(const DatasetIndex &index)
{
    setSamples(index.samples(), index.classNames());
}

void DatasetModel::setSamples(std::vector<IndexedSample> samples, const QStringList &classNames)
{
    beginResetModel();
    m_samples = std::make_shared<const std::vector<IndexedSample>>(std::move(samples));
    m_sampleOfPath.clear();
    m_sampleOfPath.reserve(qsizetype(m_samples->size()));
    for (std::size_t i = 0; i < m_samples->size(); ++i)
        m_sampleOfPath.insert((*m_samples)[i].path, int(i));
    m_classNames = classNames;
    m_label = -1;
    m_split = -1;
    rebuildRows();
    endResetModel();
}

void DatasetModel::setFilter(int label, int split)
{
    if (label == m_label && split == m_split)
        return;
    beginResetModel();
    m_label = label;
    m_split = split;
    rebuildRows();
    endResetModel();
}

void DatasetModel::rebuildRows()
{
    m_rows.clear();
    m_rowOfSample.assign(m_samples->size(), -1);
    m_rows.reserve(m_samples->size());
    for (std::size_t i = 0; i < m_samples->size(); ++i) {
        const IndexedSample &s = (*m_samples)[i];
        if ((m_label >= 0 && s.label != m_label) || (m_split >= 0 && int(s.split) != m_split))
            continue;
        m_rowOfSample[i] = int(m_rows.size());
        m_rows.push_back(int(i));
    }
}

int DatasetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

const IndexedSample *DatasetModel::sampleAt(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return nullptr;
    return &(*m_samples)[std::size_t(m_rows[std::size_t(row)])];
}

QVariant DatasetModel::data(const QModelIndex &index, int role) const
{
    const IndexedSample *sample = sampleAt(index.row());
    if (!sample || index.column() != 0)
        return {};
    switch (role) {
    case Qt::DisplayRole: return QFileInfo(sample->path).fileName();
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1\n%2 · %3 · %4")
                          .arg(QDir::toNativeSeparators(sample->path), m_classNames.value(sample->label),
                               sample->split == SampleSplit::Val ? tr("validation") : tr("training"),
                               QLocale().formattedDataSize(sample->fileBytes));
        if (const QString failure = m_thumbnails->failure(sample->path); !failure.isEmpty())
            tip += tr("\nCannot show: %1").arg(failure);
        return tip;
    }
    case Qt::DecorationRole: {
        const QPixmap pixmap = m_thumbnails->thumbnail(sample->path); // painted now: decode it next
        return pixmap.isNull() ? QVariant() : QVariant(pixmap);
    }
    case PathRole: return sample->path;
    case ClassNameRole: return m_classNames.value(sample->label);
    case LabelRole: return sample->label;
    case SplitRole: return int(sample->split);
    case ThumbnailStateRole:
        if (m_thumbnails->isReady(sample->path))
            return int(ThumbnailState::Ready);
        return int(m_thumbnails->failure(sample->path).isEmpty() ? ThumbnailState::Loading : ThumbnailState::Failed);
    case ErrorRole: return m_thumbnails->failure(sample->path);
    default: return {};
    }
}

void DatasetModel::onLoaded(const QString &path)
{
    const auto it = m_sampleOfPath.constFind(path);
    if (it == m_sampleOfPath.constEnd())
        return; // another view's image
    const int row = m_rowOfSample[std::size_t(*it)];
    if (row >= 0) {
        const QModelIndex at = index(row);
        Q_EMIT dataChanged(at, at, {Qt::DecorationRole, ThumbnailStateRole});
    }
}

} // namespace tandem
