// The Curate tab: include/exclude, relabel, classes, split, duplicates, issues, export, train.
#pragma once

#include "curation/dataset_exporter.h"
#include "jobs/background_job.h"
#include "curation/duplicate_finder.h"
#include "curation/image_hasher.h"
#include "curation/manifest_document.h"

#include <QTimer>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QDoubleSpinBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTreeWidget;
QT_END_NAMESPACE

namespace tandem {

class ThumbnailService;

class CurationClassList;
class CurationModel;
class DuplicatesView;

// Owns the ManifestDocument (its undo stack feeds the window's Edit menu). Hashing and export run
// on the thread pool with progress and cancel; their results come back as values and are applied
// on the UI thread. Problems are reported through notice(), the window shows them.
//
// Edits save themselves: a moment after each change the manifest is written, off the UI thread,
// to the app's data folder (one file per dataset folder), and opening that folder again brings
// them back onto a fresh scan. So neither Quit nor opening another dataset can lose them.
class CurationPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurationPage)
public:
    // thumbnails: the app's service (not owned); nullptr: the page keeps its own.
    explicit CurationPage(ThumbnailService *thumbnails = nullptr, QWidget *parent = nullptr);
    ~CurationPage() override; // cancels and waits for a running job

    static constexpr int kAutosaveDelayMs = 500;

    [[nodiscard]] ManifestDocument *document() { return &m_document; }
    // Where the edits of the dataset folder root save themselves.
    [[nodiscard]] static QString autosavePath(const QString &root);
    // Writes pending edits now (on the worker) and waits: for tests and for quitting.
    void flushAutosave();
    // A freshly opened dataset: curated from scratch unless the manifest is of the same folder.
    void setIndex(const DatasetIndex &index);
    void setPreprocessOptions(const PreprocessOptions &options) { m_preprocess = options; }

    // Empty on success, else why not.
    QString openManifest(const QString &path);
    QString saveManifest(const QString &path);
    void findProblems();
    void exportDataset(const ExportOptions &options);
    // Moves the files to match the manifest (ManifestApplier); the only edit of the image folder.
    void applyToFiles();
    void cancelJob();
    [[nodiscard]] bool isBusy() const { return m_job.isRunning(); }
    void excludeSelected();
    void includeSelected();
    void moveSelectedTo(int label);

    [[nodiscard]] QListView *grid() const { return m_grid; }
    [[nodiscard]] CurationModel *model() const { return m_model; }
    [[nodiscard]] CurationClassList *classList() const { return m_classes; }
    [[nodiscard]] DuplicatesView *duplicates() const { return m_duplicates; }
    [[nodiscard]] QTreeWidget *issues() const { return m_issues; }
    [[nodiscard]] QTabWidget *views() const { return m_views; }

Q_SIGNALS:
    void trainRequested();
    void notice(bool error, const QString &text);
    void jobFinished();

private:
    using Progress = std::function<void(qint64, qint64)>;
    // Runs on a worker; returns what to do on the UI thread with the result.
    using Work = std::function<std::function<void()>(const std::atomic<bool> *, const Progress &)>;
    void runJob(const QString &title, Work work);
    void onDocumentChanged();
    void clearFindings();
    void startAutosave();
    void showIssues(const std::vector<quint32> &flags);
    void showGridMenu(const QPoint &position);
    [[nodiscard]] std::vector<int> selectedEntries() const;
    void chooseOpenManifest();
    void chooseSaveManifest();
    void chooseExport();
    void confirmApply();
    void addClass();
    void renameClass(int label);

    ManifestDocument m_document;
    PreprocessOptions m_preprocess;
    BackgroundJob m_job;
    BackgroundJob m_autosaveJob;
    QTimer m_autosaveTimer;
    std::unique_ptr<ThumbnailService> m_ownThumbnails; // only without the app's
    ThumbnailService *m_thumbnails;

    CurationModel *m_model;
    CurationClassList *m_classes;
    QListView *m_grid;
    DuplicatesView *m_duplicates;
    QTreeWidget *m_issues;
    QTabWidget *m_views;
    QDoubleSpinBox *m_valPercent;
    QSpinBox *m_seed;
    QLabel *m_summary;
    QProgressBar *m_progress;
    QPushButton *m_cancelButton;
    QPushButton *m_findButton;
    QPushButton *m_exportButton;
};

} // namespace tandem
