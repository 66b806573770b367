// Tandem's main window: composes the dataset and training pages, the message area and the menus.
#pragma once

#include "dataset/dataset_index.h"
#include "session/training_session.h"

#include <QMainWindow>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QAction;
class QMenu;
class QTabWidget;
QT_END_NAMESPACE

namespace tandem {

class CurationPage;
class DatasetPage;
class DatasetScanner;
class MessageArea;
class ReportExportDialog;
class RunStatusWidget;
class RunsPage;
class SettingsStore;
class ThumbnailService;
class TrainingPage;

// The window wires widgets to the TrainingSession and DatasetScanner and turns their signals into
// messages; the session decides what happens in a run, the pages show it.
class MainWindow : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    // settingsFile empty: the application's settings.
    explicit MainWindow(const QString &settingsFile = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Indexes the folder off the UI thread and shows it; startRun: train as soon as it is open.
    void openDataset(const QString &path, bool startRun = false);
    void startRun();
    // Trains on the Curate tab's manifest (included images, current classes and splits) directly.
    void startCuratedRun();
    void saveSettings();
    void fitFirstRunGeometry();
    // Opens the most recent dataset that still exists; false when there is none.
    bool reopenLastDataset();
    // What File › Export Report…, Save Session… and Open Session… do once a place is chosen.
    // Each reports success or failure in the message area and returns whether it worked. The
    // report is written off the GUI thread: exportReportTo() returns whether the export started,
    // and reportExported() says how it ended.
    bool exportReportTo(const QString &dir);
    [[nodiscard]] bool isExportingReport() const;
    bool saveSessionTo(const QString &path);
    bool openSessionFrom(const QString &path);
    // Shows a saved run's dashboards on the Training tab (Open Session…, the Runs list).
    void showRun(RunRecord record);

    [[nodiscard]] TrainingOptions currentOptions() const;
    [[nodiscard]] const DatasetIndex &datasetIndex() const { return m_index; }
    [[nodiscard]] TrainingSession *session() const { return m_session; }
    [[nodiscard]] DatasetScanner *scanner() const { return m_scanner; }
    [[nodiscard]] DatasetPage *datasetPage() const { return m_datasetPage; }
    [[nodiscard]] TrainingPage *trainingPage() const { return m_trainingPage; }
    [[nodiscard]] CurationPage *curationPage() const { return m_curationPage; }
    [[nodiscard]] RunsPage *runsPage() const { return m_runsPage; }
    // What Start trains: the Curate tab's manifest whenever it holds edits of the open dataset.
    [[nodiscard]] bool startTrainsCurated() const;
    [[nodiscard]] QAction *undoAction() const { return m_undo; }
    [[nodiscard]] QAction *redoAction() const { return m_redo; }
    [[nodiscard]] MessageArea *messageArea() const { return m_messages; }
    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    // The report the last export's "Open Report" opens; empty before any export.
    [[nodiscard]] QString lastReportPath() const { return m_lastReport; }
    [[nodiscard]] QAction *startAction() const { return m_start; }
    [[nodiscard]] QAction *pauseAction() const { return m_pause; }
    [[nodiscard]] QAction *stopAction() const { return m_stop; }

Q_SIGNALS:
    void datasetOpened(const QString &root);
    void reportExported(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void connectSession();
    void restoreSettings();
    void updateActions();
    void onDatasetScanned(const DatasetIndex &index);
    void chooseDataset();
    void exportReport();
    void saveSession();
    void openSession();
    void setDarkTheme(bool dark);
    void showAbout();
    void rebuildRecentMenu();
    void showCuratedCounts();
    [[nodiscard]] const RunRecord *shownRecord() const;

    std::unique_ptr<SettingsStore> m_settings;
    TrainingSession *m_session;
    DatasetScanner *m_scanner;
    ThumbnailService *m_thumbnails; // one decoder pool and cache for every tab
    DatasetIndex m_index;
    DatasetIndexOptions m_indexOptions;      // what m_index was scanned with
    std::optional<RunRecord> m_loadedRecord; // Open session…: shown instead of the session's
    bool m_startWhenOpen = false;
    bool m_suggestPreprocess = false; // a first run: fit the preprocessing to the first dataset
    bool m_connectionErrorShown = false;
    // After a report export: what "Open Report" opens.
    QAction *openReportAction(const QStringList &written);
    QAction *m_openReport = nullptr;
    void noticePreprocessCarryOver(const DatasetIndex &index);
    QAction *m_fitPreprocess = nullptr;
    PreprocessOptions m_fittedPreprocess;
    QString m_lastReport;
    int m_runFailures = 0;

    QTabWidget *m_tabs;
    DatasetPage *m_datasetPage;
    TrainingPage *m_trainingPage;
    CurationPage *m_curationPage;
    RunsPage *m_runsPage;
    MessageArea *m_messages;
    RunStatusWidget *m_status;
    ReportExportDialog *m_exportProgress;
    QMenu *m_recentMenu = nullptr;
    QAction *m_open = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_start = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_export = nullptr;
    QAction *m_saveSession = nullptr;
    QAction *m_openSession = nullptr;
    QAction *m_darkTheme = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_openWeightsFolder = nullptr;
    QAction *m_saveWeightsAs = nullptr;
    QAction *m_showSkipped = nullptr;
    QString m_weightsFolder;
};

} // namespace tandem
