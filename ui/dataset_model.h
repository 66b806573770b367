// The dataset's images as a list model for the thumbnail grid, filtered by class and split.
#pragma once

#include "dataset/dataset_index.h"

#include <QAbstractListModel>
#include <QHash>
#include <QStringList>

#include <memory>
#include <vector>

namespace tandem {

class ThumbnailLoader;
class ThumbnailService;

// Rows are positions in a filtered view of the samples; thumbnails are asked for when a row is
// painted, from the app's ThumbnailService (decoded off the UI thread, cached there). Nothing is
// decoded for rows nobody looks at, so 100,000 images cost only their paths.
class DatasetModel : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetModel)
public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        ClassNameRole,
        LabelRole,
        SplitRole,          // SampleSplit as int
        ThumbnailStateRole, // ThumbnailState as int
        ErrorRole,          // why the thumbnail failed
    };
    enum class ThumbnailState { Loading, Ready, Failed };

    // thumbnails: the app's service (not owned); nullptr: the model keeps its own (tests).
    explicit DatasetModel(ThumbnailService *thumbnails = nullptr, QObject *parent = nullptr);
    ~DatasetModel() override;

    void setIndex(const DatasetIndex &index);
    // The same without an index (tests, curated lists): the samples and their class names.
    void setSamples(std::vector<IndexedSample> samples, const QStringList &classNames);
    // -1: all classes / both splits.
    void setFilter(int label, int split);
    [[nodiscard]] int classFilter() const { return m_label; }
    [[nodiscard]] int splitFilter() const { return m_split; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;

    [[nodiscard]] const IndexedSample *sampleAt(int row) const;
    [[nodiscard]] int totalSamples() const { return int(m_samples ? m_samples->size() : 0); }
    [[nodiscard]] QStringList classNames() const { return m_classNames; }
    [[nodiscard]] const ThumbnailLoader &loader() const;

private:
    void rebuildRows();
    void onLoaded(const QString &path);

    std::shared_ptr<const std::vector<IndexedSample>> m_samples;
    QStringList m_classNames;
    std::vector<int> m_rows;        // row → sample
    std::vector<int> m_rowOfSample; // sample → row, -1 when filtered out
    int m_label = -1;
    int m_split = -1;
    std::unique_ptr<ThumbnailService> m_ownThumbnails;
    ThumbnailService *m_thumbnails;
    QHash<QString, int> m_sampleOfPath;
};

} // namespace tandem
