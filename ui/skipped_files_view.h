// The files that could not be indexed or preprocessed, each with its reason.
#pragma once

#include "dataset/dataset_index.h"

#include <QSet>
#include <QTreeWidget>

namespace tandem {

class SkippedFilesView : public QTreeWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SkippedFilesView)
public:
    static constexpr int kMaxShown = 5000; // beyond that the count says it all

    explicit SkippedFilesView(QWidget *parent = nullptr);

    void setFiles(const std::vector<SkippedFile> &files, const QString &root = {});
    // One more (a file that failed during training); a path already listed is not repeated.
    // Returns whether it was new.
    bool addFile(const SkippedFile &file);
    [[nodiscard]] int fileCount() const { return m_count; }

Q_SIGNALS:
    void countChanged(int count);

private:
    void append(const SkippedFile &file);

    QString m_root;
    QSet<QString> m_paths;
    int m_count = 0;
};

} // namespace tandem
