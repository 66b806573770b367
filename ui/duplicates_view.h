// Groups of exact and near-duplicate images as rows of thumbnails, each resolved with one click.
#pragma once

#include "curation/duplicate_finder.h"

#include <QHash>
#include <QWidget>

#include <opencv2/core/mat.hpp>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QVBoxLayout;
QT_END_NAMESPACE

namespace tandem {

class ThumbnailService;

// Shows at most kMaxGroups groups (the count says how many there are); each row says what the
// group means (copy within a class, across classes: likely a label error, across train and
// validation: leakage) and offers "Keep first, exclude others". Thumbnails load off the UI thread.
class DuplicatesView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DuplicatesView)
public:
    static constexpr int kMaxGroups = 200;
    static constexpr int kMaxShownMembers = 8; // thumbnails per group; the rest are counted
    static constexpr int kConfirmAbove = 3;    // excluding more images than this asks first

    // thumbnails: the app's service (not owned, outlives the view).
    explicit DuplicatesView(ThumbnailService *thumbnails, QWidget *parent = nullptr);
    ~DuplicatesView() override;

    void setGroups(const std::vector<DuplicateGroup> &groups, const DatasetManifest &manifest);
    // Back to "not searched yet": for another dataset, before any search (no "no duplicates" claim).
    void clear();
    // After an edit: marks excluded members and the groups that are resolved.
    void refresh(const DatasetManifest &manifest);
    [[nodiscard]] int groupCount() const { return int(m_groups.size()); }
    [[nodiscard]] QPushButton *resolveButton(int group) const;

Q_SIGNALS:
    // Exclude these entries (every member but the first of a group).
    void resolveRequested(const std::vector<int> &entries);

private:
    struct Row;
    void onLoaded(const QString &path);
    void showThumbnail(QLabel *picture, const QString &path);
    [[nodiscard]] bool confirmExclusion(int count, const QString &losses);

    ThumbnailService *m_thumbnails;
    std::vector<DuplicateGroup> m_groups;
    std::vector<std::unique_ptr<Row>> m_rows;
    QMultiHash<QString, QLabel *> m_pictures; // by path, until their thumbnail arrives
    QLabel *m_summary;
    QWidget *m_content;
    QVBoxLayout *m_list;
};

} // namespace tandem
