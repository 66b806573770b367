#include "skipped_files_view.h"

#include <QDir>
#include <QHeaderView>

namespace tandem {

SkippedFilesView::SkippedFilesView(QWidget *parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("skippedFiles"));
    setColumnCount(2);
    setHeaderLabels({tr("File"), tr("Reason")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setTextElideMode(Qt::ElideMiddle);
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    header()->setStretchLastSection(true);
    header()->resizeSection(0, 160);
}

void SkippedFilesView::setFiles(const std::vector<SkippedFile> &files, const QString &root)
{
    clear();
    m_paths.clear();
    m_count = 0;
    m_root = root;
    setUpdatesEnabled(false);
    for (const SkippedFile &file : files)
        append(file);
    setUpdatesEnabled(true);
    Q_EMIT countChanged(m_count);
}

bool SkippedFilesView::addFile(const SkippedFile &file)
{
    if (m_paths.contains(file.path))
        return false;
    append(file);
    Q_EMIT countChanged(m_count);
    return true;
}

void SkippedFilesView::append(const SkippedFile &file)
{
    m_paths.insert(file.path);
    ++m_count;
    if (topLevelItemCount() >= kMaxShown)
        return;
    const QString shown = m_root.isEmpty() ? file.path : QDir(m_root).relativeFilePath(file.path);
    auto *item = new QTreeWidgetItem(this, {QDir::toNativeSeparators(shown), file.reason});
    item->setToolTip(0, QDir::toNativeSeparators(file.path));
    item->setToolTip(1, file.reason);
}

} // namespace tandem
