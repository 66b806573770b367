// The "Dataset" tab: classes and skipped files, the image grid, and the preprocessing preview.
#pragma once

#include "dataset/dataset_index.h"
#include "preprocess/preprocess_options.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QSplitter;
QT_END_NAMESPACE

namespace tandem {

class ClassListPanel;
class PreprocessControls;
class PreprocessPreview;
class SettingsStore;
class ThumbnailGrid;
class ThumbnailService;

class DatasetPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetPage)
public:
    // thumbnails: the app's service (not owned); nullptr: the page keeps its own.
    explicit DatasetPage(ThumbnailService *thumbnails = nullptr, QWidget *parent = nullptr);

    void setIndex(const DatasetIndex &index);
    void clear();
    bool addSkipped(const SkippedFile &file); // false when already listed

    [[nodiscard]] PreprocessOptions preprocessOptions() const;
    void setPreprocessOptions(const PreprocessOptions &options);
    void setBatchSize(int batchSize);

    void saveSettings(SettingsStore &settings) const;
    void restoreSettings(const SettingsStore &settings);

    [[nodiscard]] ClassListPanel *classPanel() const { return m_classes; }
    [[nodiscard]] ThumbnailGrid *grid() const { return m_grid; }
    [[nodiscard]] PreprocessControls *controls() const { return m_controls; }
    [[nodiscard]] PreprocessPreview *preview() const { return m_preview; }

Q_SIGNALS:
    void preprocessChanged(const tandem::PreprocessOptions &options);
    void openRequested();

private:
    // A few images to preview before anything is selected: the first of several classes.
    void selectExamples();

    ClassListPanel *m_classes;
    ThumbnailGrid *m_grid;
    PreprocessControls *m_controls;
    PreprocessPreview *m_preview;
    QSplitter *m_splitter;
};

} // namespace tandem
