// The curated manifest's images as a list model: thumbnails off the UI thread, drag to relabel.
#pragma once

#include "curation/dataset_manifest.h"

#include <QAbstractListModel>
#include <QHash>

#include <memory>
#include <vector>

namespace tandem {

class ManifestDocument;
class ThumbnailService;

// Rows are the document's entries, filtered by current class (-1: all). Excluded images stay
// visible, faded and marked, so that they can be included again. Dragging rows carries their
// entry indices (kMimeType) to a class in CurationClassList.
class CurationModel : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurationModel)
public:
    static constexpr const char *kMimeType = "application/x-tandem-manifest-entries";
    enum Role { EntryRole = Qt::UserRole + 1, IncludedRole, LabelRole };

    // thumbnails: the app's service (not owned, outlives the model).
    CurationModel(ManifestDocument *document, ThumbnailService *thumbnails, QObject *parent = nullptr);
    ~CurationModel() override;

    void setClassFilter(int label);
    [[nodiscard]] int classFilter() const { return m_label; }
    // Flags to show in tooltips and as a marker ("tiny, grey in a colour dataset"), one per entry.
    void setIssues(std::vector<quint32> issues);
    [[nodiscard]] int entryAt(int row) const;
    [[nodiscard]] int rowOfEntry(int entry) const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] Qt::ItemFlags flags(const QModelIndex &index) const override;
    [[nodiscard]] QStringList mimeTypes() const override;
    [[nodiscard]] QMimeData *mimeData(const QModelIndexList &indexes) const override;
    [[nodiscard]] Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }

    // The entry indices a drag carried; empty when the data is not ours.
    [[nodiscard]] static std::vector<int> entriesFromMime(const QMimeData *mime);

private:
    void rebuild();
    void onLoaded(const QString &path);

    ManifestDocument *m_document;
    ThumbnailService *m_thumbnails;
    QHash<QString, int> m_entryOfPath;
    std::vector<int> m_rows;       // entry index per row
    std::vector<int> m_rowOfEntry; // row per entry, -1 when filtered out
    QString m_root;
    int m_label = -1;
    std::vector<quint32> m_issues;
};

} // namespace tandem
