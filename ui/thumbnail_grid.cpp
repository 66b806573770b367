#include "thumbnail_grid.h"

#include "dataset_model.h"
#include "theme.h"
#include "thumbnail_delegate.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace tandem {

ThumbnailGrid::ThumbnailGrid(ThumbnailService *thumbnails, QWidget *parent)
    : QWidget(parent), m_model(new DatasetModel(thumbnails, this)), m_delegate(new ThumbnailDelegate(this)),
      m_stack(new QStackedWidget), m_view(new QListView), m_classCombo(new QComboBox), m_splitCombo(new QComboBox),
      m_sizeSlider(new QSlider(Qt::Horizontal)), m_count(new QLabel)
{
    m_view->setObjectName(QStringLiteral("thumbnailView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(m_delegate);
    m_view->setViewMode(QListView::ListMode);
    m_view->setFlow(QListView::LeftToRight);
    m_view->setWrapping(true);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(true);
    m_view->setMovement(QListView::Static);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Always there, so that showing it never changes the width the columns were spread over.
    m_view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    m_view->setMouseTracking(true);
    m_view->setSpacing(0);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setGridSize(m_delegate->cellSize());
    m_view->viewport()->installEventFilter(this);

    m_classCombo->setObjectName(QStringLiteral("classFilter"));
    m_classCombo->setMinimumContentsLength(9); // with the rest of the bar, fits a 1024 px window
    m_classCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_splitCombo->addItem(tr("Both splits"), -1);
    m_splitCombo->addItem(tr("Training"), int(SampleSplit::Train));
    m_splitCombo->addItem(tr("Validation"), int(SampleSplit::Val));
    m_sizeSlider->setRange(48, 192);
    m_sizeSlider->setValue(m_delegate->thumbnailSize());
    m_sizeSlider->setFixedWidth(84);
    m_sizeSlider->setToolTip(tr("Thumbnail size"));
    m_count->setProperty("role", QStringLiteral("caption"));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    auto *heading = new QLabel(tr("Images"));
    heading->setProperty("role", QStringLiteral("heading"));
    bar->addWidget(heading);
    bar->addSpacing(8);
    bar->addWidget(m_count);
    bar->addStretch(1);
    bar->addWidget(m_classCombo);
    bar->addWidget(m_splitCombo);
    bar->addSpacing(8);
    auto *small = new QLabel;
    small->setPixmap(Theme::icon(QStringLiteral("dataset")).pixmap(14, 14));
    bar->addWidget(small);
    bar->addWidget(m_sizeSlider);

    // Shown until a dataset is open: what to do, not an empty grey box.
    auto *empty = new QWidget;
    auto *emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch(2);
    auto *emptyIcon = new QLabel;
    emptyIcon->setPixmap(Theme::icon(QStringLiteral("open-folder")).pixmap(56, 56));
    emptyIcon->setAlignment(Qt::AlignCenter);
    auto *emptyText = m_emptyText =
        new QLabel(tr("<b>Open an image dataset</b><br>A folder with one sub-folder per class "
                      "(or train/ and val/ with class folders).<br>You can also drop a folder here."));
    m_defaultEmptyText = emptyText->text();
    emptyText->setAlignment(Qt::AlignCenter);
    emptyText->setWordWrap(true);
    auto *openButton = new QPushButton(Theme::icon(QStringLiteral("open-folder")), tr("Open dataset…"));
    openButton->setProperty("primary", true);
    connect(openButton, &QPushButton::clicked, this, &ThumbnailGrid::openRequested);
    emptyLayout->addWidget(emptyIcon);
    emptyLayout->addWidget(emptyText);
    emptyLayout->addSpacing(8);
    emptyLayout->addWidget(openButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(3);

    m_stack->addWidget(empty);
    m_stack->addWidget(m_view);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);

    connect(m_classCombo, &QComboBox::currentIndexChanged, this, &ThumbnailGrid::applyFilter);
    connect(m_splitCombo, &QComboBox::currentIndexChanged, this, &ThumbnailGrid::applyFilter);
    connect(m_sizeSlider, &QSlider::valueChanged, this, [this](int side) {
        setThumbnailSize(side);
        Q_EMIT thumbnailSizeChanged(side);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { Q_EMIT selectionChanged(selectedPaths()); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // A reset replaces the selection model's contents; tell the preview.
        Q_EMIT selectionChanged(selectedPaths());
    });
    updateCount();
}

void ThumbnailGrid::setIndex(const DatasetIndex &index)
{
    setSamples(index.samples(), index.classNames());
    if (index.samples().empty() && !index.root().isEmpty())
        showProblem(index.root(),
                    index.skipped().empty()
                        ? tr("Its class folders hold no image files.")
                        : tr("None of its %n file(s) is an image the pipeline can read: see Skipped files for why.",
                             nullptr, int(index.skipped().size())));
}

void ThumbnailGrid::setSamples(std::vector<IndexedSample> samples, const QStringList &classNames)
{
    const bool empty = samples.empty();
    {
        const QSignalBlocker blocker(m_classCombo);
        m_classCombo->clear();
        m_classCombo->addItem(tr("All classes"), -1);
        for (int i = 0; i < classNames.size(); ++i)
            m_classCombo->addItem(classNames[i], i);
    }
    {
        const QSignalBlocker blocker(m_splitCombo);
        m_splitCombo->setCurrentIndex(0);
    }
    m_model->setSamples(std::move(samples), classNames);
    m_stack->setCurrentIndex(empty ? 0 : 1);
    m_emptyText->setText(m_defaultEmptyText); // a problem shown before belongs to another folder
    updateCount();
}

void ThumbnailGrid::showProblem(const QString &folder, const QString &reason)
{
    setSamples({}, {});
    m_emptyText->setText(tr("<b>No images to show from %1</b><br>%2<br>Open another folder, or drop one here.")
                             .arg(QDir::toNativeSeparators(folder).toHtmlEscaped(), reason.toHtmlEscaped()));
}

QString ThumbnailGrid::emptyText() const
{
    return m_emptyText->text();
}

void ThumbnailGrid::clear()
{
    setSamples({}, {});
}

void ThumbnailGrid::setClassFilter(int label)
{
    const int at = m_classCombo->findData(label);
    m_classCombo->setCurrentIndex(at < 0 ? 0 : at);
}

void ThumbnailGrid::applyFilter()
{
    m_model->setFilter(m_classCombo->currentData().toInt(), m_splitCombo->currentData().toInt());
    m_view->scrollToTop();
    updateCount();
}

void ThumbnailGrid::updateCount()
{
    const QLocale locale;
    const int shown = m_model->rowCount();
    const int total = m_model->totalSamples();
    m_count->setText(shown == total ? tr("%1 images").arg(locale.toString(total))
                                    : tr("%1 of %2 images").arg(locale.toString(shown), locale.toString(total)));
}

bool ThumbnailGrid::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        updateGridSize();
    return QWidget::eventFilter(watched, event);
}

void ThumbnailGrid::updateGridSize()
{
    // Whole columns, spread over the width, so the grid has no ragged gap on its right.
    const QSize cell = m_delegate->cellSize();
    const int width = m_view->viewport()->width() - 1; // the view wraps before the very last pixel
    const int columns = std::max(1, width / cell.width());
    const QSize grid(std::max(cell.width(), width / columns), cell.height());
    if (m_view->gridSize() != grid)
        m_view->setGridSize(grid);
}

void ThumbnailGrid::setThumbnailSize(int side)
{
    m_delegate->setThumbnailSize(side);
    updateGridSize();
    if (m_sizeSlider->value() != m_delegate->thumbnailSize()) {
        const QSignalBlocker blocker(m_sizeSlider);
        m_sizeSlider->setValue(m_delegate->thumbnailSize());
    }
}

int ThumbnailGrid::thumbnailSize() const
{
    return m_delegate->thumbnailSize();
}

QStringList ThumbnailGrid::selectedPaths() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList paths;
    for (const QModelIndex &index : rows) {
        if (paths.size() >= kMaxPreviewed)
            break;
        paths.append(index.data(DatasetModel::PathRole).toString());
    }
    return paths;
}

void ThumbnailGrid::selectRows(const QList<int> &rows)
{
    QItemSelection selection;
    for (int row : rows) {
        const QModelIndex index = m_model->index(row);
        if (index.isValid())
            selection.select(index, index);
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.isEmpty())
        m_view->selectionModel()->setCurrentIndex(m_model->index(rows.first()), QItemSelectionModel::NoUpdate);
}

} // namespace tandem
