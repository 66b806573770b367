#include "class_list_panel.h"

#include "balance_bar_delegate.h"
#include "class_balance_model.h"
#include "skipped_files_view.h"

#include <QDir>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace tandem {

ClassListPanel::ClassListPanel(QWidget *parent)
    : QWidget(parent), m_model(new ClassBalanceModel(this)), m_classes(new QTreeView), m_skipped(new SkippedFilesView),
      m_summary(new QLabel), m_skippedHeading(new QLabel),
      m_skippedNone(new QLabel(tr("None: every file is an image the pipeline can read."))),
      m_splitter(new QSplitter(Qt::Vertical))
{
    m_classes->setObjectName(QStringLiteral("classList"));
    m_classes->setModel(m_model);
    m_classes->setItemDelegateForColumn(ClassBalanceModel::BalanceColumn, new BalanceBarDelegate(m_classes));
    m_classes->setRootIsDecorated(false);
    m_classes->setUniformRowHeights(true);
    m_classes->setAlternatingRowColors(true);
    m_classes->setSelectionMode(QAbstractItemView::SingleSelection);
    m_classes->header()->setStretchLastSection(true);
    m_classes->header()->setSectionResizeMode(ClassBalanceModel::NameColumn, QHeaderView::Stretch);
    m_classes->header()->setSectionResizeMode(ClassBalanceModel::TrainColumn, QHeaderView::ResizeToContents);
    m_classes->header()->setSectionResizeMode(ClassBalanceModel::ValColumn, QHeaderView::ResizeToContents);
    m_classes->header()->setSectionResizeMode(ClassBalanceModel::BalanceColumn, QHeaderView::Fixed);
    m_classes->header()->setStretchLastSection(false);
    m_classes->header()->resizeSection(ClassBalanceModel::BalanceColumn, 90);
    m_classes->setToolTip(tr("Select a class to show only its images; the grid's class menu shows them all again."));
    m_summary->setProperty("role", QStringLiteral("caption"));
    m_summary->setWordWrap(true);

    auto *classesBox = new QWidget;
    auto *classesLayout = new QVBoxLayout(classesBox);
    classesLayout->setContentsMargins(0, 0, 0, 0);
    classesLayout->setSpacing(4);
    auto *heading = new QLabel(tr("Classes"));
    heading->setProperty("role", QStringLiteral("heading"));
    classesLayout->addWidget(heading);
    classesLayout->addWidget(m_summary);
    classesLayout->addWidget(m_classes, 1);

    auto *skippedBox = new QWidget;
    auto *skippedLayout = new QVBoxLayout(skippedBox);
    skippedLayout->setContentsMargins(0, 6, 0, 0);
    skippedLayout->setSpacing(4);
    m_skippedHeading->setProperty("role", QStringLiteral("heading"));
    m_skippedNone->setProperty("role", QStringLiteral("caption"));
    m_skippedNone->setWordWrap(true);
    // The splitter does not ask a wrapped label for its height: room for three lines in a narrow column.
    m_skippedNone->setMinimumHeight(m_skippedNone->fontMetrics().lineSpacing() * 3);
    skippedLayout->addWidget(m_skippedHeading);
    skippedLayout->addWidget(m_skippedNone);
    skippedLayout->addWidget(m_skipped, 1);
    skippedLayout->addStretch(0); // takes the room while the list is hidden

    m_splitter->addWidget(classesBox);
    m_splitter->addWidget(skippedBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_classes->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = m_classes->selectionModel()->selectedRows();
        Q_EMIT classSelected(rows.isEmpty() ? -1 : rows.first().row());
    });
    connect(m_skipped, &SkippedFilesView::countChanged, this, &ClassListPanel::updateSummary);
    updateSummary();
}

void ClassListPanel::setIndex(const DatasetIndex &index)
{
    m_root = index.root();
    m_index = index;
    m_curated = false;
    m_model->setIndex(index);
    m_skipped->setFiles(index.skipped(), m_root);
    updateSummary();
}

void ClassListPanel::clear()
{
    m_root.clear();
    m_index = DatasetIndex();
    m_curated = false;
    m_model->setCounts({}, {}, {});
    m_skipped->setFiles({});
    updateSummary();
}

bool ClassListPanel::addSkipped(const SkippedFile &file)
{
    return m_skipped->addFile(file);
}

void ClassListPanel::setCuratedCounts(const QStringList &names, std::vector<qint64> train, std::vector<qint64> val,
                                      qint64 excluded)
{
    m_curated = true;
    m_excluded = excluded;
    m_model->setCounts(names, std::move(train), std::move(val));
    updateSummary();
}

void ClassListPanel::clearCuratedCounts()
{
    if (!m_curated)
        return;
    m_curated = false;
    m_model->setIndex(m_index);
    updateSummary();
}

void ClassListPanel::updateSummary()
{
    const QLocale locale;
    const int classes = m_model->rowCount();
    if (classes == 0) {
        m_summary->setText(tr("No dataset open."));
    } else {
        const double ratio = m_model->imbalanceRatio();
        QString balance = ratio <= 0     ? tr("a class is empty")
                          : ratio < 1.05 ? tr("balanced")
                                         : tr("largest/smallest class %1×").arg(ratio, 0, 'f', 1);
        m_summary->setText(tr("%1 classes · %2 training · %3 validation · %4")
                               .arg(classes)
                               .arg(locale.toString(m_model->total(SampleSplit::Train)),
                                    locale.toString(m_model->total(SampleSplit::Val)), balance));
        if (m_curated)
            m_summary->setText(m_summary->text() + tr(" · curated: %n image(s) excluded; Start trains these counts",
                                                      nullptr, int(std::min<qint64>(m_excluded, INT_MAX))));
    }
    const bool none = m_skipped->fileCount() == 0;
    m_skipped->setVisible(!none);
    m_skippedNone->setVisible(none && classes > 0);
    m_skippedHeading->setText(none ? tr("Skipped files")
                                   : tr("Skipped files (%1)").arg(locale.toString(m_skipped->fileCount())));
}

} // namespace tandem
