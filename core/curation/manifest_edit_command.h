// One undoable change to a ManifestDocument: the entries and class list before and after.
#pragma once

#include "curation/dataset_manifest.h"

#include <QUndoCommand>

#include <vector>

namespace tandem {

class ManifestDocument;

// The changed entries only (not the whole manifest), so that a deep undo stack over 100,000
// images stays small. Built by ManifestDocument; applying it forward or back is exact.
struct ManifestEdit {
    QStringList classesBefore;
    QStringList classesAfter;
    std::vector<int> indices; // into DatasetManifest::entries
    std::vector<ManifestEntry> before;
    std::vector<ManifestEntry> after;

    [[nodiscard]] bool isEmpty() const { return indices.empty() && classesBefore == classesAfter; }
};

class ManifestEditCommand : public QUndoCommand {
public:
    ManifestEditCommand(ManifestDocument *document, ManifestEdit edit, const QString &text);

    void redo() override;
    void undo() override;

private:
    ManifestDocument *m_document; // owns the undo stack that owns this command
    ManifestEdit m_edit;
};

} // namespace tandem
