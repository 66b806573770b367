// The manifest being curated, with an undo stack: every edit is a command, nothing touches the images.
#pragma once

#include "curation/dataset_manifest.h"

#include <QObject>
#include <QUndoStack>

#include <vector>

namespace tandem {

struct ManifestEdit;

// Lives on the UI thread. Workers get manifest() (a copy) and hand results back as values.
// Edit methods return an empty string when done, else why nothing changed ("class \"cat\" exists").
class ManifestDocument : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestDocument)

public:
    explicit ManifestDocument(QObject *parent = nullptr);

    [[nodiscard]] const DatasetManifest &manifest() const { return m_manifest; }
    [[nodiscard]] QUndoStack *undoStack() { return &m_undoStack; }

    // A new or re-opened manifest: not an edit, so the undo history is cleared.
    void setManifest(DatasetManifest manifest);
    // Content hashes found by a worker (one per entry, 0 = unknown): facts, not edits, so not undoable.
    void setContentHashes(const std::vector<quint64> &hashes);

    QString setIncluded(const std::vector<int> &indices, bool included);
    QString relabel(const std::vector<int> &indices, qint32 label);
    QString addClass(const QString &name);
    QString renameClass(qint32 label, const QString &name);
    // One split per entry (from StratifiedSplitter); text names the edit in the undo history.
    QString resplit(const std::vector<SampleSplit> &splits, const QString &text);

    // Applies an edit forward (redo) or back (undo); used by ManifestEditCommand.
    void applyEdit(const ManifestEdit &edit, bool forward);

Q_SIGNALS:
    void changed();

private:
    QString push(ManifestEdit edit, const QString &text);
    [[nodiscard]] QString checkIndices(const std::vector<int> &indices) const;
    [[nodiscard]] QString checkClassName(const QString &name) const;

    DatasetManifest m_manifest;
    QUndoStack m_undoStack;
};

} // namespace tandem
