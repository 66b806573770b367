// The dataset's images as a scrollable grid, filtered by class and split, with a size slider.
#pragma once

#include "dataset/dataset_index.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QListView;
class QSlider;
class QStackedWidget;
QT_END_NAMESPACE

namespace tandem {

class DatasetModel;
class ThumbnailService;
class ThumbnailDelegate;

// A QListView in list mode with wrapping and uniform item sizes: its layout is arithmetic, so a
// 100,000-image grid scrolls as smoothly as a 100-image one (icon mode would place every item).
class ThumbnailGrid : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailGrid)
public:
    static constexpr int kMaxPreviewed = 6;

    // thumbnails: the app's service (not owned); nullptr: the grid's model keeps its own.
    explicit ThumbnailGrid(ThumbnailService *thumbnails = nullptr, QWidget *parent = nullptr);

    void setIndex(const DatasetIndex &index);
    void setSamples(std::vector<IndexedSample> samples, const QStringList &classNames);
    // The empty page says why this folder shows no images, instead of the "Open a dataset" prompt.
    void showProblem(const QString &folder, const QString &reason);
    [[nodiscard]] QString emptyText() const;
    void clear();
    // -1 for all classes.
    void setClassFilter(int label);
    void setThumbnailSize(int side);
    [[nodiscard]] int thumbnailSize() const;
    // The selected images' paths, in grid order, at most kMaxPreviewed.
    [[nodiscard]] QStringList selectedPaths() const;
    void selectRows(const QList<int> &rows);

    [[nodiscard]] DatasetModel *model() const { return m_model; }
    [[nodiscard]] QListView *view() const { return m_view; }

Q_SIGNALS:
    void selectionChanged(const QStringList &paths);
    void openRequested();
    void thumbnailSizeChanged(int side);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyFilter();
    void updateGridSize();
    void updateCount();

    DatasetModel *m_model;
    ThumbnailDelegate *m_delegate;
    QStackedWidget *m_stack;
    QListView *m_view;
    QComboBox *m_classCombo;
    QComboBox *m_splitCombo;
    QSlider *m_sizeSlider;
    QLabel *m_count;
    QLabel *m_emptyText;
    QString m_defaultEmptyText;
};

} // namespace tandem
