// The curated classes with their train/validation counts; a drop target for relabelling.
#pragma once

#include "curation/dataset_manifest.h"

#include <QListWidget>

#include <vector>

namespace tandem {

// Row 0 is "All classes"; row k + 1 is class k. Dropping thumbnails on a class asks to move them
// there; the context menu asks to add or rename a class. The page decides and edits the document.
class CurationClassList : public QListWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurationClassList)
public:
    explicit CurationClassList(QWidget *parent = nullptr);

    void setManifest(const DatasetManifest &manifest);
    // -1 for "All classes".
    [[nodiscard]] int currentLabel() const;

Q_SIGNALS:
    void labelSelected(int label);
    void relabelRequested(const std::vector<int> &entries, int label);
    void addClassRequested();
    void renameClassRequested(int label);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
};

} // namespace tandem
