#include "curation_class_list.h"

#include "curation_model.h"

#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QMenu>
#include <QMimeData>

namespace tandem {

CurationClassList::CurationClassList(QWidget *parent) : QListWidget(parent)
{
    setAcceptDrops(true);
    setDropIndicatorShown(true);
    setDragDropMode(QAbstractItemView::DropOnly);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            Q_EMIT labelSelected(row - 1);
    });
}

void CurationClassList::setManifest(const DatasetManifest &manifest)
{
    const int row = std::max(0, currentRow());
    const QSignalBlocker blocker(this);
    clear();
    const auto counts = manifest.counts();
    std::vector<qint64> excluded(size_t(manifest.classes.size()), 0);
    for (const ManifestEntry &entry : manifest.entries) {
        if (!entry.included && entry.label >= 0 && entry.label < manifest.classes.size())
            ++excluded[size_t(entry.label)];
    }
    qint64 train = 0;
    qint64 val = 0;
    for (const auto &c : counts) {
        train += c[0];
        val += c[1];
    }
    addItem(tr("All classes — %1 train · %2 val").arg(train).arg(val));
    for (qsizetype c = 0; c < manifest.classes.size(); ++c) {
        QString text = tr("%1 — %2 train · %3 val")
                           .arg(manifest.classes.at(c))
                           .arg(counts[size_t(c)][0])
                           .arg(counts[size_t(c)][1]);
        if (excluded[size_t(c)] > 0)
            text += tr(" · %1 excluded").arg(excluded[size_t(c)]);
        addItem(text);
    }
    setCurrentRow(std::min(row, count() - 1));
}

int CurationClassList::currentLabel() const
{
    return currentRow() - 1;
}

void CurationClassList::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(CurationModel::kMimeType)))
        event->acceptProposedAction();
    else
        event->ignore();
}

void CurationClassList::dragMoveEvent(QDragMoveEvent *event)
{
    const QListWidgetItem *target = itemAt(event->position().toPoint());
    if (target && row(target) > 0 && event->mimeData()->hasFormat(QString::fromLatin1(CurationModel::kMimeType)))
        event->acceptProposedAction();
    else
        event->ignore();
}

void CurationClassList::dropEvent(QDropEvent *event)
{
    const QListWidgetItem *target = itemAt(event->position().toPoint());
    const std::vector<int> entries = CurationModel::entriesFromMime(event->mimeData());
    if (!target || row(target) <= 0 || entries.empty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction); // the view must not remove rows: the document decides
    event->accept();
    Q_EMIT relabelRequested(entries, row(target) - 1);
}

void CurationClassList::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    const QListWidgetItem *target = itemAt(event->pos());
    const int label = target ? row(target) - 1 : -1;
    menu.addAction(tr("Add class…"), this, [this] { Q_EMIT addClassRequested(); });
    if (label >= 0)
        menu.addAction(tr("Rename class…"), this, [this, label] { Q_EMIT renameClassRequested(label); });
    menu.exec(event->globalPos());
}

} // namespace tandem
