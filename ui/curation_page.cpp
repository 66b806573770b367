#include "curation_page.h"

#include "curation/image_issue_flagger.h"
#include "curation/manifest_applier.h"
#include "curation/stratified_splitter.h"
#include "curation_class_list.h"
#include "curation_model.h"
#include "duplicates_view.h"
#include "export_dialog.h"
#include "thumbnail_service.h"

#include <QAction>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLoggingCategory>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QCryptographicHash>
#include <QStandardPaths>
#include <QFile>
#include <QTabWidget>
#include <QTreeWidget>

Q_LOGGING_CATEGORY(lcCurationUi, "tandem.ui.curation")

namespace tandem {

namespace {
constexpr int kMaxIssueRows = 5000; // the tree lists this many; the count says how many there are
}

CurationPage::CurationPage(ThumbnailService *thumbnails, QWidget *parent)
    : QWidget(parent), m_ownThumbnails(thumbnails ? nullptr : std::make_unique<ThumbnailService>()),
      m_thumbnails(thumbnails ? thumbnails : m_ownThumbnails.get()),
      m_model(new CurationModel(&m_document, m_thumbnails, this)), m_classes(new CurationClassList),
      m_grid(new QListView), m_duplicates(new DuplicatesView(m_thumbnails)), m_issues(new QTreeWidget),
      m_views(new QTabWidget), m_valPercent(new QDoubleSpinBox), m_seed(new QSpinBox), m_summary(new QLabel),
      m_progress(new QProgressBar), m_cancelButton(new QPushButton(tr("Cancel"))),
      m_findButton(new QPushButton(tr("Find Duplicates && Issues"))), m_exportButton(new QPushButton(tr("Export…")))
{
    setObjectName(QStringLiteral("curationPage"));
    auto *open = new QPushButton(tr("Open Manifest…"));
    auto *save = new QPushButton(tr("Save Manifest…"));
    auto *apply = new QPushButton(tr("Apply to Files…"));
    apply->setToolTip(tr("Move the image files to match the curation (asks first); otherwise they are never touched"));
    connect(apply, &QPushButton::clicked, this, &CurationPage::confirmApply);
    auto *train = new QPushButton(tr("Train on Curated Dataset"));
    train->setDefault(true);
    connect(open, &QPushButton::clicked, this, &CurationPage::chooseOpenManifest);
    connect(save, &QPushButton::clicked, this, &CurationPage::chooseSaveManifest);
    connect(m_findButton, &QPushButton::clicked, this, &CurationPage::findProblems);
    connect(m_exportButton, &QPushButton::clicked, this, &CurationPage::chooseExport);
    connect(train, &QPushButton::clicked, this, &CurationPage::trainRequested);
    connect(m_cancelButton, &QPushButton::clicked, this, &CurationPage::cancelJob);
    auto *top = new QHBoxLayout;
    for (QPushButton *button : {open, save, m_findButton, m_exportButton, apply})
        top->addWidget(button);
    top->addStretch(1);
    top->addWidget(m_progress);
    top->addWidget(m_cancelButton);
    top->addWidget(train);
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    m_progress->setMinimumWidth(220);

    // Split controls.
    m_valPercent->setRange(0, 90);
    m_valPercent->setDecimals(0);
    m_valPercent->setSuffix(tr(" % validation"));
    m_valPercent->setValue(10);
    m_seed->setRange(0, 1'000'000);
    m_seed->setPrefix(tr("seed "));
    auto *splitButton = new QPushButton(tr("Split per Class"));
    splitButton->setToolTip(tr("A seeded, stratified train/validation split: the same share of every class"));
    auto *foldersButton = new QPushButton(tr("Use train/ and val/ Folders"));
    connect(splitButton, &QPushButton::clicked, this, [this] {
        const std::vector<SampleSplit> splits =
            StratifiedSplitter::split(m_document.manifest(), m_valPercent->value() / 100.0, quint64(m_seed->value()));
        const QString error = m_document.resplit(
            splits, tr("Split %1 % per class (seed %2)").arg(m_valPercent->value()).arg(m_seed->value()));
        if (!error.isEmpty())
            Q_EMIT notice(false, error);
    });
    connect(foldersButton, &QPushButton::clicked, this, [this] {
        const QString error =
            m_document.resplit(StratifiedSplitter::fromFolders(m_document.manifest()), tr("Split as the folders"));
        if (!error.isEmpty())
            Q_EMIT notice(false, error);
    });
    auto *exclude = new QPushButton(tr("Exclude"));
    auto *include = new QPushButton(tr("Include"));
    exclude->setToolTip(tr("Leave the selected images out (Delete); the files stay where they are"));
    connect(exclude, &QPushButton::clicked, this, &CurationPage::excludeSelected);
    connect(include, &QPushButton::clicked, this, &CurationPage::includeSelected);
    auto *splitRow = new QHBoxLayout;
    splitRow->addWidget(new QLabel(tr("Split:")));
    splitRow->addWidget(m_valPercent);
    splitRow->addWidget(m_seed);
    splitRow->addWidget(splitButton);
    splitRow->addWidget(foldersButton);
    splitRow->addSpacing(24);
    splitRow->addWidget(new QLabel(tr("Selection:")));
    splitRow->addWidget(exclude);
    splitRow->addWidget(include);
    splitRow->addStretch(1);
    // Wraps rather than holding the row (and the window) wide: the page fits 1024 px.
    m_summary->setWordWrap(true);
    m_summary->setMinimumWidth(120);
    splitRow->addWidget(m_summary, 1);

    // The grid.
    m_grid->setModel(m_model);
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setIconSize(QSize(128, 128));
    m_grid->setGridSize(QSize(152, 172));
    m_grid->setUniformItemSizes(true);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_grid->setDragEnabled(true);
    m_grid->setDragDropMode(QAbstractItemView::DragOnly);
    m_grid->setDefaultDropAction(Qt::CopyAction);
    m_grid->setContextMenuPolicy(Qt::CustomContextMenu);
    m_grid->setWordWrap(true);
    connect(m_grid, &QListView::customContextMenuRequested, this, &CurationPage::showGridMenu);
    auto *deleteAction = new QAction(tr("Exclude"), m_grid);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteAction, &QAction::triggered, this, &CurationPage::excludeSelected);
    m_grid->addAction(deleteAction);

    m_issues->setColumnCount(4);
    m_issues->setHeaderLabels({tr("Image"), tr("Class"), tr("Split"), tr("Issues")});
    m_issues->setRootIsDecorated(false);
    m_issues->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_issues->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    auto *issuesPage = new QWidget;
    auto *issuesLayout = new QVBoxLayout(issuesPage);
    auto *excludeFlagged = new QPushButton(tr("Exclude Selected Flagged Images"));
    connect(excludeFlagged, &QPushButton::clicked, this, [this] {
        std::vector<int> entries;
        for (const QTreeWidgetItem *item : m_issues->selectedItems())
            entries.push_back(item->data(0, Qt::UserRole).toInt());
        const QString error = m_document.setIncluded(entries, false);
        if (!error.isEmpty())
            Q_EMIT notice(false, error);
    });
    issuesLayout->addWidget(m_issues, 1);
    issuesLayout->addWidget(excludeFlagged, 0, Qt::AlignLeft);

    m_views->setDocumentMode(true);
    m_views->addTab(m_grid, tr("Images"));
    m_views->addTab(m_duplicates, tr("Duplicates"));
    m_views->addTab(issuesPage, tr("Issues"));

    m_classes->setMinimumWidth(240);
    auto *classHint = new QLabel(tr("Drag images onto a class to move them; right-click to add or rename a class."));
    classHint->setWordWrap(true);
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_classes, 1);
    leftLayout->addWidget(classHint);
    auto *splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(m_views);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({280, 1000});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(splitRow);
    layout->addWidget(splitter, 1);

    connect(m_classes, &CurationClassList::labelSelected, m_model, &CurationModel::setClassFilter);
    connect(m_classes, &CurationClassList::relabelRequested, this, [this](const std::vector<int> &entries, int label) {
        if (const QString error = m_document.relabel(entries, label); !error.isEmpty())
            Q_EMIT notice(false, error);
    });
    connect(m_classes, &CurationClassList::addClassRequested, this, &CurationPage::addClass);
    connect(m_classes, &CurationClassList::renameClassRequested, this, &CurationPage::renameClass);
    connect(m_duplicates, &DuplicatesView::resolveRequested, this, [this](const std::vector<int> &entries) {
        if (const QString error = m_document.setIncluded(entries, false); !error.isEmpty())
            Q_EMIT notice(false, error);
    });
    connect(&m_document, &ManifestDocument::changed, this, &CurationPage::onDocumentChanged);
    m_autosaveTimer.setSingleShot(true);
    m_autosaveTimer.setInterval(kAutosaveDelayMs);
    connect(&m_autosaveTimer, &QTimer::timeout, this, &CurationPage::startAutosave);
    connect(&m_document, &ManifestDocument::changed, &m_autosaveTimer, qOverload<>(&QTimer::start));
    connect(&m_job, &BackgroundJob::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
        m_progress->setValue(int(std::min<qint64>(done, INT_MAX)));
    });
    connect(&m_job, &BackgroundJob::finished, this, [this] { Q_EMIT jobFinished(); });
    onDocumentChanged();
}

CurationPage::~CurationPage()
{
    m_job.discard(); // its result would touch widgets that are going
    m_job.waitForFinished();
    flushAutosave();
    m_autosaveJob.discard();
    m_autosaveJob.waitForFinished();
}

QString CurationPage::autosavePath(const QString &root)
{
    // One file per folder: its name, for a person looking, and a hash of its path, for uniqueness.
    const QString path = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const QByteArray id = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(
            QStringLiteral("curation/%1-%2%3")
                .arg(QFileInfo(path).fileName(), QString::fromLatin1(id), QLatin1String(DatasetManifest::kFileSuffix)));
}

void CurationPage::startAutosave()
{
    m_autosaveTimer.stop();
    const DatasetManifest snapshot = m_document.manifest();
    if (snapshot.root.isEmpty())
        return;
    const QString path = autosavePath(snapshot.root);
    m_autosaveJob.start([this, snapshot, path](const std::atomic<bool> &, const BackgroundJob::Progress &) {
        QString error;
        if (snapshot.hasEdits()) {
            if (!QDir().mkpath(QFileInfo(path).absolutePath()))
                error =
                    QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath()));
            else
                error = snapshot.save(path);
        } else if (QFile::exists(path) && !QFile::remove(path)) {
            error = QStringLiteral("cannot remove %1").arg(QDir::toNativeSeparators(path));
        }
        return BackgroundJob::Finish([this, error] {
            if (!error.isEmpty())
                Q_EMIT notice(true, tr("The curation could not be saved: %1").arg(error));
        });
    });
}

void CurationPage::flushAutosave()
{
    if (m_autosaveTimer.isActive())
        startAutosave();
    m_autosaveJob.waitForFinished();
}

void CurationPage::setIndex(const DatasetIndex &index)
{
    if (index.root() == m_document.manifest().root && !m_document.manifest().entries.empty())
        return; // keep the curation of this folder (and its undo history)
    // The edits of the folder open until now are saved before the document moves on.
    const QString previous = m_document.manifest().root;
    if (m_autosaveTimer.isActive())
        startAutosave();
    if (!previous.isEmpty() && m_document.manifest().hasEdits())
        Q_EMIT notice(false, tr("Your curation of %1 is saved and comes back when you open that folder again.")
                                 .arg(QFileInfo(previous).fileName()));

    DatasetManifest scanned = DatasetManifest::fromIndex(index);
    const QString saved = autosavePath(index.root());
    if (QFileInfo::exists(saved)) {
        const ManifestLoadResult loaded = DatasetManifest::load(saved);
        if (!loaded.ok()) {
            Q_EMIT notice(true, tr("Your earlier curation of %1 could not be read (%2); starting from the folders.")
                                    .arg(QFileInfo(index.root()).fileName(), loaded.error));
        } else {
            DatasetManifest::CarriedOver carried = DatasetManifest::carryOver(loaded.manifest, scanned);
            if (carried.manifest.hasEdits()) {
                QString text = tr("Restored your curation of %1: %2 of %3 images included.")
                                   .arg(QFileInfo(index.root()).fileName())
                                   .arg(carried.manifest.includedCount())
                                   .arg(carried.manifest.entries.size());
                if (carried.added > 0)
                    text += tr(" %1 images are new in the folder and come in as scanned.").arg(carried.added);
                if (carried.missing > 0)
                    text += tr(" %1 images are gone from the folder.").arg(carried.missing);
                scanned = std::move(carried.manifest);
                Q_EMIT notice(false, text);
            }
        }
    }
    m_document.setManifest(std::move(scanned));
    m_autosaveTimer.stop(); // what was just restored or scanned is on disk already, or has no edits
    clearFindings();
}

// Another dataset: nothing found so far, and nothing left over from the last one.
void CurationPage::clearFindings()
{
    m_duplicates->clear();
    m_issues->clear();
    m_model->setIssues({});
    m_views->setTabText(1, tr("Duplicates"));
    m_views->setTabText(2, tr("Issues"));
}

QString CurationPage::openManifest(const QString &path)
{
    ManifestLoadResult loaded = DatasetManifest::load(path);
    if (!loaded.ok())
        return tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), loaded.error);
    m_document.setManifest(std::move(loaded.manifest));
    clearFindings();
    return {};
}

QString CurationPage::saveManifest(const QString &path)
{
    const QString error = m_document.manifest().save(path);
    if (error.isEmpty())
        m_document.undoStack()->setClean();
    return error;
}

void CurationPage::onDocumentChanged()
{
    const DatasetManifest &manifest = m_document.manifest();
    m_classes->setManifest(manifest);
    m_duplicates->refresh(manifest);
    const qint64 excluded = qint64(manifest.entries.size()) - manifest.includedCount();
    m_summary->setText(tr("%1 images, %2 included, %3 excluded")
                           .arg(manifest.entries.size())
                           .arg(manifest.includedCount())
                           .arg(excluded));
}

std::vector<int> CurationPage::selectedEntries() const
{
    std::vector<int> entries;
    for (const QModelIndex &index : m_grid->selectionModel()->selectedIndexes())
        entries.push_back(m_model->entryAt(index.row()));
    std::sort(entries.begin(), entries.end());
    return entries;
}

void CurationPage::excludeSelected()
{
    if (const QString error = m_document.setIncluded(selectedEntries(), false); !error.isEmpty())
        Q_EMIT notice(false, error);
}

void CurationPage::includeSelected()
{
    if (const QString error = m_document.setIncluded(selectedEntries(), true); !error.isEmpty())
        Q_EMIT notice(false, error);
}

void CurationPage::moveSelectedTo(int label)
{
    if (const QString error = m_document.relabel(selectedEntries(), label); !error.isEmpty())
        Q_EMIT notice(false, error);
}

void CurationPage::showGridMenu(const QPoint &position)
{
    if (selectedEntries().empty())
        return;
    QMenu menu(this);
    menu.addAction(tr("Exclude"), this, &CurationPage::excludeSelected);
    menu.addAction(tr("Include"), this, &CurationPage::includeSelected);
    QMenu *move = menu.addMenu(tr("Move to Class"));
    const QStringList classes = m_document.manifest().classes;
    for (qsizetype c = 0; c < classes.size(); ++c)
        move->addAction(classes.at(c), this, [this, c] { moveSelectedTo(int(c)); });
    move->addSeparator();
    move->addAction(tr("New Class…"), this, [this] {
        addClass();
        if (m_document.manifest().classes.size() > 0)
            moveSelectedTo(int(m_document.manifest().classes.size()) - 1);
    });
    menu.exec(m_grid->viewport()->mapToGlobal(position));
}

void CurationPage::addClass()
{
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Add Class"), tr("Name of the new class:"), QLineEdit::Normal, {}, &ok);
    if (!ok)
        return;
    if (const QString error = m_document.addClass(name); !error.isEmpty())
        Q_EMIT notice(true, error);
}

void CurationPage::renameClass(int label)
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Class"), tr("New name:"), QLineEdit::Normal,
                                               m_document.manifest().classes.value(label), &ok);
    if (!ok)
        return;
    if (const QString error = m_document.renameClass(label, name); !error.isEmpty())
        Q_EMIT notice(true, error);
}

void CurationPage::chooseOpenManifest()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Dataset Manifest"), m_document.manifest().root,
                                                      tr("Tandem manifests (*.tandem-manifest.json);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    if (const QString error = openManifest(path); !error.isEmpty())
        Q_EMIT notice(true, error);
}

void CurationPage::chooseSaveManifest()
{
    const QString suggested =
        QDir(m_document.manifest().root)
            .filePath(QFileInfo(m_document.manifest().root).fileName() + QLatin1String(DatasetManifest::kFileSuffix));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Dataset Manifest"), suggested,
                                                      tr("Tandem manifests (*.tandem-manifest.json)"));
    if (path.isEmpty())
        return;
    if (const QString error = saveManifest(path); !error.isEmpty())
        Q_EMIT notice(true, error);
    else
        Q_EMIT notice(false,
                      tr("Saved the manifest to %1; the images were not changed.").arg(QDir::toNativeSeparators(path)));
}

void CurationPage::chooseExport()
{
    ExportDialog dialog(m_preprocess, this);
    if (dialog.exec() == QDialog::Accepted)
        exportDataset(dialog.options());
}

void CurationPage::runJob(const QString &title, Work work)
{
    if (m_job.isRunning())
        return;
    m_progress->setFormat(title + QStringLiteral(" %v / %m"));
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    m_cancelButton->setVisible(true);
    m_findButton->setEnabled(false);
    m_exportButton->setEnabled(false);
    m_job.start([this, work = std::move(work)](const std::atomic<bool> &cancel,
                                               const BackgroundJob::Progress &progress) -> BackgroundJob::Finish {
        std::function<void()> apply = work(&cancel, progress);
        return [this, apply = std::move(apply)] {
            m_progress->setVisible(false);
            m_cancelButton->setVisible(false);
            m_findButton->setEnabled(true);
            m_exportButton->setEnabled(true);
            if (apply)
                apply();
        };
    });
}

void CurationPage::cancelJob()
{
    m_job.cancel();
}

void CurationPage::findProblems()
{
    const DatasetManifest snapshot = m_document.manifest();
    if (snapshot.entries.empty()) {
        Q_EMIT notice(true, tr("Open a dataset first."));
        return;
    }
    runJob(tr("Hashing"),
           [this, snapshot](const std::atomic<bool> *cancel, const Progress &progress) -> std::function<void()> {
               QStringList paths;
               for (const ManifestEntry &entry : snapshot.entries)
                   paths << snapshot.absolutePath(entry);
               std::vector<ImageHashes> hashes = ImageHasher::hashAll(paths, cancel, progress);
               if (cancel->load())
                   return [this] { Q_EMIT notice(false, tr("Duplicate search cancelled.")); };
               std::vector<DuplicateGroup> groups =
                   DuplicateFinder::find(snapshot, hashes, DuplicateFinder::kDefaultNearThreshold, cancel);
               if (cancel->load())
                   return [this] { Q_EMIT notice(false, tr("Duplicate search cancelled.")); };
               std::vector<quint32> flags = ImageIssueFlagger::flag(hashes);
               return
                   [this, snapshot, hashes = std::move(hashes), groups = std::move(groups), flags = std::move(flags)] {
                       const DatasetManifest &now = m_document.manifest();
                       if (now.root != snapshot.root || now.entries.size() != snapshot.entries.size())
                           return; // another manifest was opened meanwhile
                       std::vector<quint64> contentHashes;
                       contentHashes.reserve(hashes.size());
                       for (const ImageHashes &h : hashes)
                           contentHashes.push_back(h.contentHash);
                       m_document.setContentHashes(contentHashes);
                       m_duplicates->setGroups(groups, m_document.manifest());
                       m_model->setIssues(flags);
                       showIssues(flags);
                       m_views->setCurrentWidget(m_duplicates);
                       qCInfo(lcCurationUi) << groups.size() << "duplicate groups among" << hashes.size() << "images";
                   };
           });
}

void CurationPage::showIssues(const std::vector<quint32> &flags)
{
    const DatasetManifest &manifest = m_document.manifest();
    m_issues->clear();
    QList<QTreeWidgetItem *> items;
    int flagged = 0;
    for (size_t i = 0; i < flags.size() && i < manifest.entries.size(); ++i) {
        if (flags[i] == 0)
            continue;
        ++flagged;
        if (items.size() >= kMaxIssueRows)
            continue;
        const ManifestEntry &entry = manifest.entries[i];
        auto *item = new QTreeWidgetItem({entry.relativePath, manifest.className(entry),
                                          entry.split == SampleSplit::Val ? tr("val") : tr("train"),
                                          ImageIssueFlagger::describe(flags[i])});
        item->setData(0, Qt::UserRole, int(i));
        items << item;
    }
    m_issues->addTopLevelItems(items);
    m_views->setTabText(2, flagged > 0 ? tr("Issues (%1)").arg(flagged) : tr("Issues"));
    m_views->setTabText(1, tr("Duplicates (%1)").arg(m_duplicates->groupCount()));
}

void CurationPage::exportDataset(const ExportOptions &options)
{
    const DatasetManifest snapshot = m_document.manifest();
    runJob(
        tr("Exporting"),
        [this, snapshot, options](const std::atomic<bool> *cancel, const Progress &progress) -> std::function<void()> {
            const DatasetExportResult result = DatasetExporter::exportDataset(snapshot, options, cancel, progress);
            return [this, result, options] {
                if (result.cancelled)
                    Q_EMIT notice(false, tr("Export cancelled; nothing was left behind."));
                else if (!result.ok())
                    Q_EMIT notice(true, tr("Export failed: %1").arg(result.error));
                else
                    Q_EMIT notice(
                        false,
                        tr("Exported %1 images to %2%3")
                            .arg(result.images)
                            .arg(QDir::toNativeSeparators(options.outputPath))
                            .arg(result.failed.empty()
                                     ? QString()
                                     : tr(" (%1 could not be read and are left out)").arg(result.failed.size())));
            };
        });
}

void CurationPage::confirmApply()
{
    const DatasetManifest &manifest = m_document.manifest();
    const auto answer = QMessageBox::question(
        this, tr("Apply to Files"),
        tr("Move the files in %1 to match the curation? Relabelled images move to their class folder, excluded ones to "
           "%2. Nothing is deleted or rewritten, but the undo history is cleared.")
            .arg(QDir::toNativeSeparators(manifest.root), QLatin1String(ManifestApplier::kExcludedFolder)));
    if (answer == QMessageBox::Yes)
        applyToFiles();
}

void CurationPage::applyToFiles()
{
    const DatasetManifest snapshot = m_document.manifest();
    runJob(tr("Moving files"),
           [this, snapshot](const std::atomic<bool> *cancel, const Progress &progress) -> std::function<void()> {
               ApplyResult result = ManifestApplier::apply(snapshot, cancel, progress);
               return [this, result = std::move(result)] {
                   if (!result.ok()) {
                       Q_EMIT notice(true, tr("Could not apply the curation: %1").arg(result.error));
                       return;
                   }
                   m_document.setManifest(result.manifest);
                   m_duplicates->setGroups({}, m_document.manifest());
                   m_issues->clear();
                   Q_EMIT notice(false, tr("Moved %1 files to match the curation.").arg(result.moved));
               };
           });
}

} // namespace tandem
