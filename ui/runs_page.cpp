#include "runs_page.h"

#include "report_export_dialog.h"
#include "run_compare_view.h"
#include "run_history_model.h"
#include "settings/settings_store.h"
#include "theme.h"
#include "timing/run_history.h"
#include "timing/session_file.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace tandem {

RunsPage::RunsPage(const QString &historyFolder, QWidget *parent)
    : QWidget(parent), m_model(new RunHistoryModel(historyFolder, this)), m_exportDialog(new ReportExportDialog(this)),
      m_list(new QTreeView), m_caption(new QLabel),
      m_open(new QPushButton(Theme::icon(QStringLiteral("open-session")), tr("Open in Dashboard"))),
      m_compareButton(new QPushButton(Theme::icon(QStringLiteral("training")), tr("Compare"))),
      m_export(new QPushButton(Theme::icon(QStringLiteral("export-report")), tr("Export Report…"))),
      m_delete(new QPushButton(tr("Delete…"))),
      m_showFolder(new QPushButton(Theme::icon(QStringLiteral("open-folder")), tr("Show Folder"))),
      m_compare(new RunCompareView), m_splitter(new QSplitter(Qt::Vertical)),
      m_undoDelete(new QAction(tr("Undo"), this)), m_openComparison(new QAction(tr("Open"), this))
{
    m_lastDir = QDir::homePath();
    setObjectName(QStringLiteral("runsPage"));
    m_list->setObjectName(QStringLiteral("runList"));
    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(RunHistoryModel::RunColumn, QHeaderView::Stretch);
    for (int column = RunHistoryModel::SettingsColumn; column < RunHistoryModel::ColumnCount; ++column)
        m_list->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_open->setObjectName(QStringLiteral("openRunButton"));
    m_compareButton->setObjectName(QStringLiteral("compareRunsButton"));
    m_export->setObjectName(QStringLiteral("exportRunButton"));
    m_delete->setObjectName(QStringLiteral("deleteRunButton"));
    m_open->setToolTip(tr("Show the run's dashboards on the Training tab (Enter, or double-click)"));
    m_compareButton->setToolTip(tr("Overlay the curves of the two selected runs below"));
    m_compareButton->setShortcut(QKeySequence(Qt::ALT | Qt::Key_C));
    m_delete->setToolTip(tr("Move the selected runs' files to the history's trash"));
    auto *deleteKey = new QAction(this);
    deleteKey->setShortcut(QKeySequence::Delete);
    deleteKey->setShortcutContext(Qt::WidgetWithChildrenShortcut); // the Curate tab's Delete excludes
    m_list->addAction(deleteKey);
    connect(deleteKey, &QAction::triggered, this, [this] { confirmDelete(); });

    auto *heading = new QLabel(tr("Runs"));
    heading->setProperty("role", QStringLiteral("heading"));
    m_caption->setProperty("role", QStringLiteral("caption"));
    m_caption->setWordWrap(true);
    m_caption->setText(tr("Every run is kept here as it ends, and at each epoch while it trains: Start never "
                          "discards an earlier run. Select one to open or export it, two to compare them."));
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    for (QPushButton *button : {m_open, m_compareButton, m_export, m_delete})
        buttons->addWidget(button);
    buttons->addStretch(1);
    buttons->addWidget(m_showFolder);

    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(6);
    topLayout->addWidget(heading);
    topLayout->addWidget(m_caption);
    topLayout->addLayout(buttons);
    topLayout->addWidget(m_list, 1);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_compare);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addWidget(m_splitter);

    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &RunsPage::updateButtons);
    connect(m_model, &RunHistoryModel::saveFailed, this, [this](const QString &error) {
        Q_EMIT message(Severity::Warning, tr("The run could not be kept in the Runs list: %1").arg(error), nullptr);
    });
    connect(m_list, &QTreeView::activated, this, [this](const QModelIndex &index) { openRow(index.row()); });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (const QList<int> rows = selectedRows(); rows.size() == 1)
            openRow(rows.first());
    });
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        if (const QList<int> rows = selectedRows(); rows.size() == 2)
            compareRows(rows[0], rows[1]);
    });
    connect(m_export, &QPushButton::clicked, this, &RunsPage::chooseExport);
    connect(m_delete, &QPushButton::clicked, this, &RunsPage::confirmDelete);
    connect(m_showFolder, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_model->folder());
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_model->folder()));
    });
    connect(m_compare, &RunCompareView::reportRequested, this, &RunsPage::chooseComparisonReport);
    connect(m_undoDelete, &QAction::triggered, this, [this] {
        if (const QString error = m_model->undoDelete(); !error.isEmpty())
            Q_EMIT message(Severity::Error, tr("The runs could not be put back: %1").arg(error), nullptr);
    });
    connect(m_openComparison, &QAction::triggered, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_comparisonPath)); });
    connect(m_exportDialog, &ReportExportDialog::finished, this, [this](const ExportResult &result) {
        if (result.cancelled)
            Q_EMIT message(Severity::Info, tr("Report export cancelled; no report files were kept."), nullptr);
        else if (!result.ok())
            Q_EMIT message(Severity::Error, tr("The report could not be written: %1").arg(result.error), nullptr);
        else
            Q_EMIT message(Severity::Success,
                           tr("Wrote %n report file(s) to %1.", nullptr, int(result.written.size()))
                               .arg(QDir::toNativeSeparators(QFileInfo(result.written.first()).absolutePath())),
                           nullptr);
        updateButtons();
        Q_EMIT exported(result.ok());
    });
    updateButtons();
}

RunsPage::~RunsPage()
{
    m_load.discard();
    m_compareJob.discard();
    m_load.waitForFinished();
    m_compareJob.waitForFinished();
}

void RunsPage::attach(TrainingSession *session)
{
    m_model->attach(session);
}

QList<int> RunsPage::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_list->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void RunsPage::updateButtons()
{
    const int selected = int(selectedRows().size());
    const bool idle = !m_load.isRunning();
    m_open->setEnabled(idle && selected == 1);
    m_compareButton->setEnabled(idle && selected == 2);
    m_export->setEnabled(idle && selected == 1 && !m_exportDialog->isRunning());
    m_delete->setEnabled(selected >= 1);
}

bool RunsPage::load(const QStringList &paths, std::function<void(const Loaded &)> then)
{
    if (m_load.isRunning() || paths.isEmpty())
        return false;
    m_load.start([this, paths, then = std::move(then)](const std::atomic<bool> &, const BackgroundJob::Progress &) {
        Loaded loaded;
        QString error;
        for (const QString &path : paths) {
            SessionFile::LoadResult result = SessionFile::load(path);
            if (!result.ok()) {
                error = result.message;
                break;
            }
            loaded.push_back(std::make_shared<const RunRecord>(std::move(*result.run)));
        }
        return BackgroundJob::Finish([this, loaded, error, then] {
            updateButtons();
            if (!error.isEmpty()) {
                Q_EMIT message(Severity::Error, tr("Cannot open the saved run: %1").arg(error), nullptr);
                return;
            }
            then(loaded);
        });
    });
    updateButtons();
    return true;
}

bool RunsPage::openRow(int row)
{
    const RunHistoryEntry *entry = m_model->entryAt(row);
    if (!entry)
        return false;
    return load({entry->path}, [this](const Loaded &runs) { Q_EMIT openRequested(*runs.front()); });
}

bool RunsPage::compareRows(int a, int b)
{
    const RunHistoryEntry *first = m_model->entryAt(a);
    const RunHistoryEntry *second = m_model->entryAt(b);
    if (!first || !second || a == b)
        return false;
    // The older run is A, so that "A then B" reads in the order they ran.
    const bool swap = second->startedAt < first->startedAt;
    const QStringList paths = swap ? QStringList{second->path, first->path} : QStringList{first->path, second->path};
    return load(paths, [this](const Loaded &runs) {
        m_compareA = runs[0];
        m_compareB = runs[1];
        m_compare->setRuns(*m_compareA, *m_compareB);
        Q_EMIT compared();
    });
}

bool RunsPage::exportRowTo(int row, const QString &dir)
{
    const RunHistoryEntry *entry = m_model->entryAt(row);
    if (!entry || m_exportDialog->isRunning())
        return false;
    return load({entry->path}, [this, dir](const Loaded &runs) {
        const QString baseName = ReportExporter::suggestedBaseName(*runs.front());
        if (!m_exportDialog->start(runs.front(), dir, baseName))
            Q_EMIT exported(false);
        updateButtons();
    });
}

bool RunsPage::writeComparisonTo(const QString &htmlPath)
{
    if (!m_compareA || !m_compareB || m_compareJob.isRunning())
        return false;
    m_compareJob.start([this, a = m_compareA, b = m_compareB, htmlPath](const std::atomic<bool> &,
                                                                        const BackgroundJob::Progress &) {
        const ExportResult result = ReportExporter::exportComparison(*a, *b, htmlPath);
        return BackgroundJob::Finish([this, result, htmlPath] {
            if (!result.ok()) {
                Q_EMIT message(Severity::Error, tr("The comparison could not be written: %1").arg(result.error),
                               nullptr);
                return;
            }
            m_comparisonPath = htmlPath;
            Q_EMIT message(Severity::Success, tr("Wrote the comparison to %1.").arg(QDir::toNativeSeparators(htmlPath)),
                           m_openComparison);
            Q_EMIT comparisonWritten(htmlPath);
        });
    });
    return true;
}

QString RunsPage::deleteRows(const QList<int> &rows)
{
    QStringList paths;
    for (int row : rows)
        if (const RunHistoryEntry *entry = m_model->entryAt(row))
            paths << entry->path;
    const QString error = m_model->remove(paths);
    if (!error.isEmpty())
        Q_EMIT message(Severity::Error, tr("Not every run could be deleted: %1").arg(error), nullptr);
    if (m_model->canUndoDelete())
        Q_EMIT message(Severity::Info, tr("Deleted %n run(s).", nullptr, int(paths.size())), m_undoDelete);
    if (m_compare->hasRuns())
        m_compare->clear();
    m_compareA.reset();
    m_compareB.reset();
    return error;
}

void RunsPage::confirmDelete()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    QMessageBox box(
        QMessageBox::Question, tr("Delete runs?"),
        tr("Delete %n run(s) from the Runs list? Undo brings them back until Tandem quits.", nullptr, int(rows.size())),
        QMessageBox::Cancel, this);
    QPushButton *remove = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == remove)
        deleteRows(rows);
}

void RunsPage::chooseExport()
{
    const QList<int> rows = selectedRows();
    if (rows.size() != 1)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Report To"), m_lastDir);
    if (dir.isEmpty())
        return;
    m_lastDir = dir;
    exportRowTo(rows.first(), dir);
}

void RunsPage::chooseComparisonReport()
{
    if (!m_compareA || !m_compareB)
        return;
    const QString suggested = QDir(m_lastDir).filePath(
        QStringLiteral("compare-%1-%2.html")
            .arg(ReportExporter::suggestedBaseName(*m_compareA), ReportExporter::suggestedBaseName(*m_compareB)));
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Write the Comparison Report"), suggested, tr("HTML report (*.html)"));
    if (path.isEmpty())
        return;
    m_lastDir = QFileInfo(path).absolutePath();
    writeComparisonTo(path);
}

void RunsPage::saveSettings(SettingsStore &settings) const
{
    settings.setUiValue(QStringLiteral("runs/splitter"), m_splitter->saveState());
    settings.setUiValue(QStringLiteral("runs/lastDir"), m_lastDir);
}

void RunsPage::restoreSettings(const SettingsStore &settings)
{
    m_splitter->restoreState(settings.uiValue(QStringLiteral("runs/splitter")).toByteArray());
    m_lastDir = settings.uiValue(QStringLiteral("runs/lastDir"), QDir::homePath()).toString();
}

} // namespace tandem
