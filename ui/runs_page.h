// The "Runs" tab: every run saved so far; reopen, compare two, export again, delete.
#pragma once

#include "jobs/background_job.h"
#include "message_item.h"
#include "report/report_exporter.h"
#include "timing/run_record.h"

#include <QWidget>

#include <memory>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QPushButton;
class QSplitter;
class QTreeView;
QT_END_NAMESPACE

namespace tandem {

class ReportExportDialog;
class RunCompareView;
class RunHistoryModel;
class SettingsStore;
class TrainingSession;

// Files are read on a BackgroundJob; the page shows, the history model saves. Problems and results
// are said through message(), which the window posts in its message area.
class RunsPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsPage)
public:
    // historyFolder empty: RunHistory::defaultFolder().
    explicit RunsPage(const QString &historyFolder = {}, QWidget *parent = nullptr);
    ~RunsPage() override;

    void attach(TrainingSession *session);

    // Each loads the rows' files off the GUI thread, then acts; returns false when it cannot start.
    bool openRow(int row);                           // openRequested() follows
    bool compareRows(int a, int b);                  // the compare view shows both; compared() follows
    bool exportRowTo(int row, const QString &dir);   // exported() follows
    bool writeComparisonTo(const QString &htmlPath); // the two compared runs; comparisonWritten() follows
    // Without asking (the Delete button asks first). Returns the error, empty when all went.
    QString deleteRows(const QList<int> &rows);

    [[nodiscard]] RunHistoryModel *model() const { return m_model; }
    [[nodiscard]] QTreeView *list() const { return m_list; }
    [[nodiscard]] RunCompareView *compareView() const { return m_compare; }
    [[nodiscard]] QAction *undoDeleteAction() const { return m_undoDelete; }
    [[nodiscard]] QList<int> selectedRows() const;
    [[nodiscard]] bool isBusy() const { return m_load.isRunning(); }

    void saveSettings(SettingsStore &settings) const;
    void restoreSettings(const SettingsStore &settings);

Q_SIGNALS:
    void openRequested(const tandem::RunRecord &record);
    void compared();
    void exported(bool ok);
    void comparisonWritten(const QString &path);
    void message(tandem::Severity severity, const QString &text, QAction *action);

private:
    using Loaded = std::vector<std::shared_ptr<const RunRecord>>;
    bool load(const QStringList &paths, std::function<void(const Loaded &)> then);
    void updateButtons();
    void confirmDelete();
    void chooseExport();
    void chooseComparisonReport();

    RunHistoryModel *m_model;
    BackgroundJob m_load;
    BackgroundJob m_compareJob;
    ReportExportDialog *m_exportDialog;
    std::shared_ptr<const RunRecord> m_compareA;
    std::shared_ptr<const RunRecord> m_compareB;
    QString m_lastDir;

    QTreeView *m_list;
    QLabel *m_caption;
    QPushButton *m_open;
    QPushButton *m_compareButton;
    QPushButton *m_export;
    QPushButton *m_delete;
    QPushButton *m_showFolder;
    RunCompareView *m_compare;
    QSplitter *m_splitter;
    QAction *m_undoDelete;
    QAction *m_openComparison;
    QString m_comparisonPath;
};

} // namespace tandem
