#include "main_window.h"

#include "connection_panel.h"
#include "curation_page.h"
#include "dashboard_view.h"
#include "dataset_page.h"
#include "folder_picker.h"
#include "preprocess_carry_over.h"
#include "message_area.h"
#include "thumbnail_grid.h"
#include "dataset/dataset_scanner.h"
#include "preview/preprocess_suggestion.h"
#include "settings/settings_store.h"
#include "report/report_exporter.h"
#include "report_export_dialog.h"
#include "run_status_widget.h"
#include "class_list_panel.h"
#include "run_history_model.h"
#include "runs_page.h"
#include "theme.h"
#include "thumbnail_service.h"
#include "timing/session_file.h"
#include "training_page.h"
#include "training_panel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

Q_LOGGING_CATEGORY(lcWindow, "tandem.ui.window")

namespace tandem {

namespace {
enum Tab { DatasetTab = 0, TrainingTab = 1, CurationTab = 2, RunsTab = 3 };

QString folderOf(const QList<QUrl> &urls)
{
    for (const QUrl &url : urls)
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir())
            return url.toLocalFile();
    return {};
}
} // namespace

MainWindow::MainWindow(const QString &settingsFile, QWidget *parent)
    : QMainWindow(parent), m_settings(std::make_unique<SettingsStore>(settingsFile)),
      m_session(new TrainingSession(this)), m_scanner(new DatasetScanner(this)),
      m_thumbnails(new ThumbnailService(this)), m_tabs(new QTabWidget), m_datasetPage(new DatasetPage(m_thumbnails)),
      m_trainingPage(new TrainingPage), m_curationPage(new CurationPage(m_thumbnails)), m_runsPage(new RunsPage),
      m_messages(new MessageArea), m_status(new RunStatusWidget), m_exportProgress(new ReportExportDialog(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    connect(m_exportProgress, &ReportExportDialog::finished, this, [this](const ExportResult &result) {
        if (result.cancelled)
            m_messages->post(Severity::Info, tr("Report export cancelled; no report files were kept."),
                             QStringLiteral("export"));
        else if (!result.ok())
            m_messages->post(Severity::Error, tr("The report could not be written: %1").arg(result.error),
                             QStringLiteral("export"));
        else
            m_messages->post(Severity::Success,
                             tr("Wrote %n report file(s) to %1.", nullptr, int(result.written.size()))
                                 .arg(QDir::toNativeSeparators(QFileInfo(result.written.first()).absolutePath())),
                             QStringLiteral("export"), openReportAction(result.written));
        updateActions();
        Q_EMIT reportExported(result.ok());
    });
    setWindowTitle(tr("Tandem"));
    setWindowIcon(Theme::icon(QStringLiteral("tandem")));
    setAcceptDrops(true);
    setUnifiedTitleAndToolBarOnMac(true);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_datasetPage, Theme::icon(QStringLiteral("dataset")), tr("Dataset"));
    m_tabs->addTab(m_trainingPage, Theme::icon(QStringLiteral("training")), tr("Training"));
    m_tabs->addTab(m_curationPage, Theme::icon(QStringLiteral("dataset")), tr("Curate"));
    m_tabs->addTab(m_runsPage, Theme::icon(QStringLiteral("recent")), tr("Runs"));
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    m_messages->floatOver(central);
    statusBar()->addPermanentWidget(m_status);
    statusBar()->setSizeGripEnabled(true);

    createActions();
    createMenus();
    m_trainingPage->attach(m_session);
    m_status->attach(m_session);
    m_runsPage->attach(m_session);
    connectSession();
    connect(m_runsPage, &RunsPage::openRequested, this, [this](const RunRecord &record) { showRun(record); });
    connect(m_runsPage, &RunsPage::message, this, [this](Severity severity, const QString &text, QAction *action) {
        m_messages->post(severity, text, QStringLiteral("runs"), action);
    });
    connect(m_curationPage->document(), &ManifestDocument::changed, this, &MainWindow::showCuratedCounts);

    connect(m_scanner, &DatasetScanner::progress, this, [this](qint64 done, qint64 total) {
        m_status->showTask(tr("Indexing %1:").arg(QFileInfo(m_scanner->root()).fileName()), done, total);
    });
    connect(m_scanner, &DatasetScanner::finished, this, &MainWindow::onDatasetScanned);
    connect(m_datasetPage, &DatasetPage::openRequested, this, &MainWindow::chooseDataset);
    connect(m_trainingPage->training(), &TrainingPanel::changed, this,
            [this] { m_datasetPage->setBatchSize(m_trainingPage->training()->batchSize()); });
    connect(m_trainingPage->connection(), &ConnectionPanel::reconnectRequested, this, &MainWindow::startRun);
    connect(m_trainingPage->connection(), &ConnectionPanel::notice, this,
            [this](const QString &text) { m_messages->post(Severity::Info, text, QStringLiteral("notice")); });

    connect(m_curationPage, &CurationPage::trainRequested, this, &MainWindow::startCuratedRun);
    connect(m_curationPage, &CurationPage::notice, this, [this](bool error, const QString &text) {
        m_messages->post(error ? Severity::Error : Severity::Info, text, QStringLiteral("curation"));
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == CurationTab)
            m_curationPage->setPreprocessOptions(currentOptions().preprocess); // what Export… starts from
    });

    restoreSettings();
    m_suggestPreprocess = !m_settings->hasPreprocessOptions();
    connect(m_datasetPage, &DatasetPage::preprocessChanged, this, [this] { m_suggestPreprocess = false; });
    updateActions();
}

MainWindow::~MainWindow()
{
    // The pages hold the thumbnail service, which, as an earlier child, would go before them.
    delete takeCentralWidget();
}

void MainWindow::createActions()
{
    m_open = new QAction(Theme::icon(QStringLiteral("open-folder")), tr("&Open Dataset…"), this);
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open an image folder with one sub-folder per class"));
    connect(m_open, &QAction::triggered, this, &MainWindow::chooseDataset);

    m_start = new QAction(Theme::icon(QStringLiteral("start")), tr("&Start Training"), this);
    m_start->setObjectName(QStringLiteral("startAction"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_start->setIconText(tr("Start"));
    connect(m_start, &QAction::triggered, this, &MainWindow::startRun);

    m_pause = new QAction(Theme::icon(QStringLiteral("pause")), tr("&Pause"), this);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(m_pause, &QAction::triggered, this, [this] {
        if (m_session->state() == TrainingSession::State::Paused)
            m_session->resume();
        else
            m_session->pause();
    });

    m_stop = new QAction(Theme::icon(QStringLiteral("stop")), tr("S&top"), this);
    m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    connect(m_stop, &QAction::triggered, m_session, &TrainingSession::stop);

    m_export = new QAction(Theme::icon(QStringLiteral("export-report")), tr("&Export Report…"), this);
    m_export->setIconText(tr("Report"));
    m_export->setToolTip(tr("Write the run's timing report: CSV, JSON, Chrome trace, HTML and PDF"));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_export, &QAction::triggered, this, &MainWindow::exportReport);

    m_saveSession = new QAction(Theme::icon(QStringLiteral("save-session")), tr("&Save Session…"), this);
    m_saveSession->setIconText(tr("Save"));
    m_saveSession->setShortcut(QKeySequence::Save);
    connect(m_saveSession, &QAction::triggered, this, &MainWindow::saveSession);

    m_openSession = new QAction(Theme::icon(QStringLiteral("open-session")), tr("Open Sess&ion…"), this);
    m_openSession->setToolTip(tr("Show a saved run's dashboards again"));
    connect(m_openSession, &QAction::triggered, this, &MainWindow::openSession);

    m_darkTheme = new QAction(Theme::icon(QStringLiteral("theme")), tr("&Dark Theme"), this);
    m_darkTheme->setCheckable(true);
    connect(m_darkTheme, &QAction::toggled, this, &MainWindow::setDarkTheme);

    m_retry = new QAction(Theme::icon(QStringLiteral("reconnect")), tr("Retry"), this);
    connect(m_retry, &QAction::triggered, this, &MainWindow::startRun);
    m_saveWeightsAs = new QAction(Theme::icon(QStringLiteral("save-session")), tr("Save As…"), this);
    connect(m_saveWeightsAs, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save the trained weights as"),
                                         m_trainingPage->training()->weightsPath(), tr("TorchScript weights (*.pt)"));
        if (!path.isEmpty())
            m_session->saveWeightsAs(path);
    });
    m_openWeightsFolder = new QAction(Theme::icon(QStringLiteral("open-folder")), tr("Show Folder"), this);
    connect(m_openWeightsFolder, &QAction::triggered, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_weightsFolder)); });
    m_showSkipped = new QAction(tr("Show"), this);
    connect(m_showSkipped, &QAction::triggered, this, [this] { m_tabs->setCurrentIndex(DatasetTab); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_open);
    m_recentMenu = file->addMenu(Theme::icon(QStringLiteral("recent")), tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(m_openSession);
    file->addAction(m_saveSession);
    file->addAction(m_export);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &MainWindow::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undo = m_curationPage->document()->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = m_curationPage->document()->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    edit->addAction(m_undo);
    edit->addAction(m_redo);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_start);
    run->addAction(m_pause);
    run->addAction(m_stop);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *datasetTab = view->addAction(Theme::icon(QStringLiteral("dataset")), tr("&Dataset"));
    datasetTab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(datasetTab, &QAction::triggered, this, [this] { m_tabs->setCurrentIndex(DatasetTab); });
    QAction *trainingTab = view->addAction(Theme::icon(QStringLiteral("training")), tr("&Training"));
    trainingTab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    connect(trainingTab, &QAction::triggered, this, [this] { m_tabs->setCurrentIndex(TrainingTab); });
    QAction *curationTab = view->addAction(Theme::icon(QStringLiteral("dataset")), tr("&Curate"));
    curationTab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    connect(curationTab, &QAction::triggered, this, [this] { m_tabs->setCurrentIndex(CurationTab); });
    QAction *runsTab = view->addAction(Theme::icon(QStringLiteral("recent")), tr("R&uns"));
    runsTab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    connect(runsTab, &QAction::triggered, this, [this] { m_tabs->setCurrentIndex(RunsTab); });
    view->addSeparator();
    view->addAction(m_darkTheme);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *colab = help->addAction(Theme::icon(QStringLiteral("info")), tr("Train on &Colab…"));
    colab->setObjectName(QStringLiteral("colabGuideAction"));
    connect(colab, &QAction::triggered, this, [this] { m_trainingPage->connection()->openColabGuide(); });
    QAction *about = help->addAction(Theme::icon(QStringLiteral("about")), tr("&About Tandem"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_open);
    if (auto *openButton = qobject_cast<QToolButton *>(bar->widgetForAction(m_open))) {
        openButton->setMenu(m_recentMenu);
        openButton->setPopupMode(QToolButton::MenuButtonPopup);
    }
    bar->addSeparator();
    bar->addAction(m_start);
    bar->addAction(m_pause);
    bar->addAction(m_stop);
    bar->addSeparator();
    bar->addAction(m_saveSession);
    bar->addAction(m_export);

    m_trainingPage->training()->setRunActions(m_start, m_pause, m_stop);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings->recentDatasets();
    for (const QString &path : recent) {
        const bool exists = QFileInfo(path).isDir();
        QAction *action = m_recentMenu->addAction(QDir::toNativeSeparators(path));
        action->setEnabled(exists);
        if (!exists)
            action->setToolTip(tr("This folder no longer exists"));
        connect(action, &QAction::triggered, this, [this, path] { openDataset(path); });
    }
    if (recent.isEmpty()) {
        m_recentMenu->addAction(tr("No recent datasets"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("Clear List"));
    connect(clear, &QAction::triggered, this, [this] { m_settings->clearRecentDatasets(); });
}

void MainWindow::connectSession()
{
    connect(m_session, &TrainingSession::stateChanged, this, [this](TrainingSession::State state) {
        updateActions();
        if (state == TrainingSession::State::Training)
            m_messages->dismiss(QStringLiteral("connection"));
    });
    connect(m_session, &TrainingSession::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_session, &TrainingSession::agentReady, this, [this](const protocol::SessionInfo &info) {
        if (!info.note.isEmpty())
            m_messages->post(Severity::Info, info.note, QStringLiteral("agent-note"));
    });
    connect(m_session, &TrainingSession::connectionFailed, this,
            [this](protocol::ConnectionError, const QString &message) {
                m_connectionErrorShown = true;
                m_messages->post(Severity::Error, message, QStringLiteral("connection"), m_retry);
            });
    connect(m_session, &TrainingSession::diverged, this, [this](const QString &message) {
        m_messages->post(Severity::Warning, message, QStringLiteral("diverged"), m_pause); // m_pause reads Resume now
    });
    connect(m_session, &TrainingSession::sampleFailed, this, [this](const SkippedFile &file) {
        if (!m_datasetPage->addSkipped(file))
            return; // already listed by the index
        ++m_runFailures;
        m_messages->post(Severity::Warning,
                         tr("%n image(s) could not be preprocessed and were left out; they are listed under "
                            "Dataset › Skipped files.",
                            nullptr, m_runFailures),
                         QStringLiteral("samples"), m_showSkipped);
    });
    connect(m_session, &TrainingSession::weightsSaved, this, [this](const QString &path, qint64 bytes) {
        m_weightsFolder = QFileInfo(path).absolutePath();
        m_messages->post(Severity::Success,
                         tr("Saved the trained weights (%1) to %2.")
                             .arg(QLocale().formattedDataSize(bytes), QDir::toNativeSeparators(path)),
                         QStringLiteral("weights"), m_openWeightsFolder);
    });
    connect(m_session, &TrainingSession::weightsNotSaved, this, [this](const QString &path, const QString &error) {
        m_messages->post(Severity::Warning,
                         tr("Training finished, but the weights could not be saved to %1: %2. They are kept until "
                            "the next run: Save As… writes them elsewhere.")
                             .arg(QDir::toNativeSeparators(path), error),
                         QStringLiteral("weights"), m_saveWeightsAs);
    });
    connect(m_session, &TrainingSession::finished, this, [this](bool ok, const QString &message) {
        updateActions();
        if (ok)
            m_messages->post(Severity::Success, message, QStringLiteral("run"));
        else if (m_session->state() == TrainingSession::State::Stopped)
            m_messages->post(Severity::Info, tr("Training stopped. The dashboards keep what was measured."),
                             QStringLiteral("run"));
        else if (!m_connectionErrorShown)
            m_messages->post(Severity::Error, message, QStringLiteral("connection"), m_retry);
    });
}

void MainWindow::updateActions()
{
    using State = TrainingSession::State;
    const State state = m_session->state();
    const bool active = m_session->isActive();
    m_start->setEnabled(!active);
    m_pause->setEnabled(state == State::Training || state == State::Paused);
    m_pause->setText(state == State::Paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setIcon(Theme::icon(state == State::Paused ? QStringLiteral("start") : QStringLiteral("pause")));
    m_stop->setEnabled(active);
    const RunRecord *record = shownRecord();
    const bool haveRun = record && (!record->batches.empty() || !record->steps.empty());
    m_export->setEnabled(haveRun && !active && !m_exportProgress->isRunning());
    m_saveSession->setEnabled(haveRun && !active);
    m_open->setEnabled(!active);
}

const RunRecord *MainWindow::shownRecord() const
{
    if (m_loadedRecord)
        return &*m_loadedRecord;
    return &m_session->record();
}

void MainWindow::chooseDataset()
{
    const QStringList recent = m_settings->recentDatasets();
    const QString start = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"), start);
    if (!path.isEmpty())
        openDataset(path);
}

void MainWindow::openDataset(const QString &path, bool startRun)
{
    const QFileInfo info(path);
    if (!info.isDir()) {
        m_messages->post(Severity::Error, tr("%1 is not a folder.").arg(QDir::toNativeSeparators(path)),
                         QStringLiteral("dataset"));
        return;
    }
    if (m_session->isActive()) {
        m_messages->post(Severity::Warning, tr("Stop the run before opening another dataset."),
                         QStringLiteral("dataset"));
        return;
    }
    m_startWhenOpen = startRun;
    const TrainingOptions options = currentOptions();
    m_indexOptions = options.index;
    m_messages->dismiss(QStringLiteral("dataset"));
    m_status->showTask(tr("Indexing %1:").arg(info.fileName()), 0, 0);
    m_scanner->scan(info.absoluteFilePath(), m_indexOptions);
}

bool MainWindow::reopenLastDataset()
{
    const QStringList recent = m_settings->recentDatasets();
    for (const QString &path : recent) {
        if (QFileInfo(path).isDir()) {
            openDataset(path);
            return true;
        }
    }
    return false;
}

void MainWindow::onDatasetScanned(const DatasetIndex &index)
{
    m_status->clearTask();
    if (!index.error().isEmpty()) {
        m_messages->post(Severity::Error,
                         tr("Cannot use %1: %2").arg(QDir::toNativeSeparators(index.root()), index.error()),
                         QStringLiteral("dataset"));
        m_datasetPage->grid()->showProblem(index.root(), index.error());
        m_startWhenOpen = false;
        return;
    }
    m_index = index;
    m_runFailures = 0;
    if (m_suggestPreprocess) {
        m_suggestPreprocess = false;
        QString why;
        if (const auto suggested = PreprocessSuggestion::forDataset(index, m_datasetPage->preprocessOptions(), &why)) {
            m_datasetPage->setPreprocessOptions(*suggested);
            m_messages->post(
                Severity::Info,
                tr("Preprocessing set to %1 to match these images; change it under Preprocessing.").arg(why),
                QStringLiteral("preprocess"));
        }
    }
    noticePreprocessCarryOver(index);
    m_datasetPage->setIndex(index);
    m_curationPage->setIndex(index);
    showCuratedCounts();
    m_settings->addRecentDataset(index.root());
    setWindowTitle(tr("%1 — Tandem").arg(QFileInfo(index.root()).fileName()));
    const QLocale locale;
    statusBar()->showMessage(
        tr("Opened %1: %2 images in %3 classes")
            .arg(QDir::toNativeSeparators(index.root()), locale.toString(qint64(index.samples().size())))
            .arg(index.classNames().size()),
        8000);
    if (!index.skipped().empty())
        m_messages->post(
            Severity::Warning,
            tr("%n file(s) could not be indexed and are left out; the reasons are listed under Skipped files.", nullptr,
               int(index.skipped().size())),
            QStringLiteral("dataset"), m_showSkipped);
    Q_EMIT datasetOpened(index.root());
    if (m_startWhenOpen) {
        m_startWhenOpen = false;
        startRun();
    }
}

TrainingOptions MainWindow::currentOptions() const
{
    TrainingOptions options;
    options.datasetRoot = m_index.root(); // first: the default weights path is named after it
    m_trainingPage->training()->applyTo(options);
    m_trainingPage->connection()->applyTo(options);
    options.preprocess = m_datasetPage->preprocessOptions();
    return options;
}

void MainWindow::startRun()
{
    if (m_session->isActive())
        return;
    if (m_scanner->isScanning()) {
        m_startWhenOpen = true; // as soon as the index is ready
        return;
    }
    if (m_index.root().isEmpty() || m_index.isEmpty()) {
        m_messages->post(Severity::Error, tr("Open a dataset first: a folder with one sub-folder of images per class."),
                         QStringLiteral("start"), m_open);
        return;
    }
    if (const QString problem = m_trainingPage->connection()->validate(); !problem.isEmpty()) {
        m_tabs->setCurrentIndex(TrainingTab);
        m_messages->post(Severity::Error, problem, QStringLiteral("start"));
        return;
    }
    if (startTrainsCurated()) {
        startCuratedRun(); // one notion of the dataset to train: the curated view, once edited
        return;
    }
    TrainingOptions options = currentOptions();
    if (const QString problem = options.preprocess.validate(); !problem.isEmpty()) {
        m_tabs->setCurrentIndex(DatasetTab);
        m_messages->post(Severity::Error, tr("Preprocessing: %1").arg(problem), QStringLiteral("start"));
        return;
    }
    for (const QString &key :
         {QStringLiteral("start"), QStringLiteral("connection"), QStringLiteral("run"), QStringLiteral("weights")})
        m_messages->dismiss(key);
    m_connectionErrorShown = false;
    m_loadedRecord.reset();
    saveSettings();
    m_tabs->setCurrentIndex(TrainingTab);
    const DatasetIndexOptions &a = options.index;
    const DatasetIndexOptions &b = m_indexOptions;
    if (a.seed == b.seed && a.perClassLimit == b.perClassLimit && a.valFraction == b.valFraction)
        m_session->start(options, m_index);
    else
        m_session->start(options); // the split settings changed since the folder was indexed
    qCInfo(lcWindow) << "run started on" << options.datasetRoot;
}

bool MainWindow::startTrainsCurated() const
{
    const DatasetManifest &manifest = m_curationPage->document()->manifest();
    return !m_index.root().isEmpty() && manifest.root == m_index.root() && manifest.hasEdits();
}

// The Dataset tab counts what Start trains: the curated view while it holds edits.
void MainWindow::showCuratedCounts()
{
    if (!startTrainsCurated()) {
        m_datasetPage->classPanel()->clearCuratedCounts();
        return;
    }
    const DatasetManifest &manifest = m_curationPage->document()->manifest();
    const std::vector<std::array<qint64, 2>> counts = manifest.counts();
    std::vector<qint64> train;
    std::vector<qint64> val;
    for (const auto &perSplit : counts) {
        train.push_back(perSplit[0]);
        val.push_back(perSplit[1]);
    }
    m_datasetPage->classPanel()->setCuratedCounts(manifest.classes, std::move(train), std::move(val),
                                                  qint64(manifest.entries.size()) - manifest.includedCount());
}

void MainWindow::startCuratedRun()
{
    if (m_session->isActive())
        return;
    const DatasetIndex curated = m_curationPage->document()->manifest().toIndex();
    if (!curated.error().isEmpty()) {
        m_messages->post(Severity::Error, tr("Cannot train on the curated dataset: %1").arg(curated.error()),
                         QStringLiteral("start"));
        return;
    }
    if (curated.classNames().size() < 2) {
        m_messages->post(Severity::Error, tr("The curated dataset needs at least two classes."),
                         QStringLiteral("start"));
        return;
    }
    if (const QString problem = m_trainingPage->connection()->validate(); !problem.isEmpty()) {
        m_tabs->setCurrentIndex(TrainingTab);
        m_messages->post(Severity::Error, problem, QStringLiteral("start"));
        return;
    }
    TrainingOptions options = currentOptions();
    options.datasetRoot = curated.root();
    if (const QString problem = options.preprocess.validate(); !problem.isEmpty()) {
        m_messages->post(Severity::Error, tr("Preprocessing: %1").arg(problem), QStringLiteral("start"));
        return;
    }
    for (const QString &key :
         {QStringLiteral("start"), QStringLiteral("connection"), QStringLiteral("run"), QStringLiteral("weights")})
        m_messages->dismiss(key);
    m_connectionErrorShown = false;
    m_loadedRecord.reset();
    saveSettings();
    m_tabs->setCurrentIndex(TrainingTab);
    m_session->start(options, curated);
    qCInfo(lcWindow) << "curated run started on" << curated.samples().size() << "images of" << curated.root();
}

void MainWindow::exportReport()
{
    if (!shownRecord())
        return;
    QString error;
    const QString dir =
        FolderPicker::choose(this, tr("Export Report To"),
                             m_settings->uiValue(QStringLiteral("lastReportDir"), QDir::homePath()).toString(), &error);
    if (!error.isEmpty())
        m_messages->post(Severity::Error, tr("The report could not be written: %1").arg(error),
                         QStringLiteral("export"));
    if (dir.isEmpty())
        return;
    m_settings->setUiValue(QStringLiteral("lastReportDir"), dir);
    exportReportTo(dir);
}

bool MainWindow::exportReportTo(const QString &dir)
{
    const RunRecord *record = shownRecord();
    if (!record || m_exportProgress->isRunning())
        return false;
    // The worker gets its own copy: the session may start another run while it writes.
    auto snapshot = std::make_shared<const RunRecord>(*record);
    const QString baseName = ReportExporter::suggestedBaseName(*snapshot);
    if (!m_exportProgress->start(std::move(snapshot), dir, baseName))
        return false;
    updateActions();
    return true;
}

// Settings chosen for another folder are said, with "Fit to These Images", never applied silently.
void MainWindow::noticePreprocessCarryOver(const DatasetIndex &index)
{
    const QString key = QStringLiteral("preprocess/datasetRoot");
    const auto carry =
        PreprocessCarryOver::check(m_settings->uiValue(key).toString(), index, m_datasetPage->preprocessOptions());
    m_settings->setUiValue(key, index.root());
    if (!carry)
        return;
    m_fittedPreprocess = carry->fitted;
    if (!m_fitPreprocess) {
        m_fitPreprocess = new QAction(tr("Fit to These Images"), this);
        m_fitPreprocess->setObjectName(QStringLiteral("fitPreprocessAction"));
        connect(m_fitPreprocess, &QAction::triggered, this, [this] {
            m_datasetPage->setPreprocessOptions(m_fittedPreprocess);
            m_messages->dismiss(QStringLiteral("preprocess"));
        });
    }
    m_messages->post(Severity::Info, carry->text, QStringLiteral("preprocess"), m_fitPreprocess);
}

// "Open Report" on the export's notice: the HTML report, else the first file written.
QAction *MainWindow::openReportAction(const QStringList &written)
{
    const auto html = std::find_if(written.begin(), written.end(),
                                   [](const QString &path) { return path.endsWith(QLatin1String(".html")); });
    m_lastReport = html != written.end() ? *html : written.value(0);
    if (!m_openReport) {
        m_openReport = new QAction(Theme::icon(QStringLiteral("export-report")), tr("Open Report"), this);
        m_openReport->setObjectName(QStringLiteral("openReportAction"));
        connect(m_openReport, &QAction::triggered, this,
                [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_lastReport)); });
    }
    return m_openReport;
}

bool MainWindow::isExportingReport() const
{
    return m_exportProgress->isRunning();
}

void MainWindow::saveSession()
{
    const RunRecord *record = shownRecord();
    if (!record)
        return;
    const QString suggested = QDir(m_settings->uiValue(QStringLiteral("lastReportDir"), QDir::homePath()).toString())
                                  .filePath(ReportExporter::suggestedBaseName(*record) + SessionFile::suffix());
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Session"), suggested,
                                                      tr("Tandem runs (*%1)").arg(SessionFile::suffix()));
    if (!path.isEmpty())
        saveSessionTo(path);
}

bool MainWindow::saveSessionTo(const QString &chosen)
{
    const RunRecord *record = shownRecord();
    if (!record)
        return false;
    QString path = chosen;
    if (!path.endsWith(SessionFile::suffix()))
        path += SessionFile::suffix();
    if (const QString error = SessionFile::save(*record, path); !error.isEmpty()) {
        m_messages->post(Severity::Error, tr("The session could not be saved: %1").arg(error),
                         QStringLiteral("export"));
        return false;
    }
    m_messages->post(Severity::Success, tr("Saved the run to %1.").arg(QDir::toNativeSeparators(path)),
                     QStringLiteral("export"));
    return true;
}

void MainWindow::openSession()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Session"), m_settings->uiValue(QStringLiteral("lastReportDir"), QDir::homePath()).toString(),
        tr("Tandem runs (*%1);;JSON (*.json)").arg(SessionFile::suffix()));
    if (!path.isEmpty())
        openSessionFrom(path);
}

bool MainWindow::openSessionFrom(const QString &path)
{
    if (m_session->isActive()) {
        m_messages->post(Severity::Warning, tr("Stop the run before opening a saved one."), QStringLiteral("export"));
        return false;
    }
    SessionFile::LoadResult loaded = SessionFile::load(path);
    if (!loaded.ok()) {
        m_messages->post(Severity::Error, tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), loaded.message),
                         QStringLiteral("export"));
        return false;
    }
    showRun(std::move(*loaded.run));
    return true;
}

void MainWindow::showRun(RunRecord record)
{
    if (m_session->isActive()) {
        m_messages->post(Severity::Warning, tr("Stop the run before opening a saved one."), QStringLiteral("export"));
        return;
    }
    m_loadedRecord = std::move(record);
    m_trainingPage->dashboard()->showRecord(*m_loadedRecord);
    m_tabs->setCurrentIndex(TrainingTab);
    updateActions();
    statusBar()->showMessage(tr("Showing the saved run %1").arg(m_loadedRecord->title), 8000);
}

void MainWindow::setDarkTheme(bool dark)
{
    Theme::apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
    m_settings->setUiValue(QStringLiteral("theme"), Theme::modeName(Theme::mode()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tandem"),
                       tr("<h3>Tandem %1</h3><p>This computer preprocesses, a GPU trains, at the same time: "
                          "the pipeline is measured stage by stage on both machines, so you can see which one "
                          "sets the pace.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::restoreSettings()
{
    const TrainingOptions options = m_settings->trainingOptions();
    m_trainingPage->training()->load(options, m_settings->saveWeights());
    m_trainingPage->connection()->load(options);
    m_datasetPage->setPreprocessOptions(options.preprocess);
    m_datasetPage->setBatchSize(options.batchSize);
    m_datasetPage->restoreSettings(*m_settings);
    m_trainingPage->restoreSettings(*m_settings);
    m_runsPage->restoreSettings(*m_settings);
    const bool dark = Theme::modeFromName(m_settings->uiValue(QStringLiteral("theme")).toString()) == Theme::Mode::Dark;
    {
        const QSignalBlocker blocker(m_darkTheme);
        m_darkTheme->setChecked(dark);
    }
    if (dark != (Theme::mode() == Theme::Mode::Dark))
        Theme::apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
    if (!restoreGeometry(m_settings->uiValue(QStringLiteral("geometry")).toByteArray()))
        fitFirstRunGeometry();
    restoreState(m_settings->uiValue(QStringLiteral("state")).toByteArray());
    m_tabs->setCurrentIndex(m_settings->uiValue(QStringLiteral("tab"), DatasetTab).toInt());
}

// The first window is roomy where the screen allows, and never larger than the screen: a window
// wider than a 1280 px screen hides its right-hand panel and the messages in its corner.
void MainWindow::fitFirstRunGeometry()
{
    const QSize roomy(1560, 960);
    const QScreen *screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    if (!screen) {
        resize(roomy);
        return;
    }
    const QRect available = screen->availableGeometry();
    const QSize size =
        roomy.boundedTo(available.size() * 0.92).expandedTo(minimumSizeHint()).boundedTo(available.size());
    resize(size);
    move(available.center() - QPoint(size.width() / 2, size.height() / 2));
}

void MainWindow::saveSettings()
{
    TrainingOptions options = currentOptions();
    options.weightsPath = m_trainingPage->training()->weightsPath(); // remembered even when not saving
    m_settings->setTrainingOptions(options);
    m_settings->setSaveWeights(m_trainingPage->training()->saveWeights());
    m_datasetPage->saveSettings(*m_settings);
    m_trainingPage->saveSettings(*m_settings);
    m_runsPage->saveSettings(*m_settings);
    m_settings->setUiValue(QStringLiteral("geometry"), saveGeometry());
    m_settings->setUiValue(QStringLiteral("state"), saveState());
    m_settings->setUiValue(QStringLiteral("tab"), m_tabs->currentIndex());
    m_settings->setUiValue(QStringLiteral("theme"), Theme::modeName(Theme::mode()));
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Curation edits and runs save themselves; quitting during a run stops it, so it asks first.
    if (m_session->isActive()) {
        QMessageBox box(QMessageBox::Question, tr("Quit while training?"),
                        tr("A run is under way. Quitting stops it; what it measured so far is kept in the Runs list."),
                        QMessageBox::Cancel, this);
        QPushButton *quit = box.addButton(tr("Stop and Quit"), QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != quit) {
            event->ignore();
            return;
        }
    }
    saveSettings();
    if (m_session->isActive())
        m_session->stop(); // closes the connection and stops a local agent
    m_curationPage->flushAutosave();
    m_runsPage->model()->flush(); // the stopped run's file, written before the window goes
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && !folderOf(event->mimeData()->urls()).isEmpty() && !m_session->isActive())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString folder = folderOf(event->mimeData()->urls());
    if (folder.isEmpty())
        return;
    event->acceptProposedAction();
    m_tabs->setCurrentIndex(DatasetTab);
    openDataset(folder);
}

} // namespace tandem
