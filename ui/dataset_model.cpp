#include "dataset_model.h"

#include "mat_image.h"
#include "preview/thumbnail_loader.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLocale>

namespace tandem {

namespace {
constexpr int kThumbnailSide = 160; // decoded size; the grid shows 64–160 px
constexpr int kCacheKiB = 96 * 1024;
} // namespace

DatasetModel::DatasetModel(QObject *parent)
    : QAbstractListModel(parent), m_samples(std::make_shared<std::vector<IndexedSample>>()),
      m_loader(std::make_unique<ThumbnailLoader>(kThumbnailSide)), m_thumbnails(kCacheKiB)
{
    connect(m_loader.get(), &ThumbnailLoader::loaded, this, &DatasetModel::onLoaded);
}

DatasetModel::~DatasetModel() = default;

void DatasetModel::setIndex(const DatasetIndex &index)
{
    setSamples(index.samples(), index.classNames());
}

void DatasetModel::setSamples(std::vector<IndexedSample> samples, const QStringList &classNames)
{
    beginResetModel();
    m_loader->reset();
    m_thumbnails.clear();
    m_failed.clear();
    m_samples = std::make_shared<const std::vector<IndexedSample>>(std::move(samples));
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
    const int id = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return QFileInfo(sample->path).fileName();
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1\n%2 · %3 · %4")
                          .arg(QDir::toNativeSeparators(sample->path), m_classNames.value(sample->label),
                               sample->split == SampleSplit::Val ? tr("validation") : tr("training"),
                               QLocale().formattedDataSize(sample->fileBytes));
        if (const auto it = m_failed.constFind(id); it != m_failed.constEnd())
            tip += tr("\nCannot show: %1").arg(*it);
        return tip;
    }
    case Qt::DecorationRole:
        if (QPixmap *pixmap = m_thumbnails.object(id))
            return *pixmap;
        if (!m_failed.contains(id))
            m_loader->request(id, sample->path); // painted now: decode it next
        return {};
    case PathRole: return sample->path;
    case ClassNameRole: return m_classNames.value(sample->label);
    case LabelRole: return sample->label;
    case SplitRole: return int(sample->split);
    case ThumbnailStateRole:
        if (m_thumbnails.contains(id))
            return int(ThumbnailState::Ready);
        return int(m_failed.contains(id) ? ThumbnailState::Failed : ThumbnailState::Loading);
    case ErrorRole: return m_failed.value(id);
    default: return {};
    }
}

void DatasetModel::onLoaded(int sample, const cv::Mat &image, const QString &error)
{
    if (sample < 0 || std::size_t(sample) >= m_rowOfSample.size())
        return;
    if (image.empty() || image.type() != CV_8UC3) {
        m_failed.insert(sample, error.isEmpty() ? tr("cannot decode") : error);
    } else {
        auto *pixmap = new QPixmap(QPixmap::fromImage(matToImage(image, ChannelOrder::Rgb)));
        m_thumbnails.insert(sample, pixmap, std::max<qsizetype>(1, qsizetype(image.total() * 4 / 1024)));
    }
    const int row = m_rowOfSample[std::size_t(sample)];
    if (row >= 0) {
        const QModelIndex at = index(row);
        Q_EMIT dataChanged(at, at, {Qt::DecorationRole, ThumbnailStateRole});
    }
}

} // namespace tandem
