// The dataset's classes with counts and a balance bar, and the files left out with their reasons.
#pragma once

#include "dataset/dataset_index.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QSplitter;
class QTreeView;
QT_END_NAMESPACE

namespace tandem {

class ClassBalanceModel;
class SkippedFilesView;

class ClassListPanel : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassListPanel)
public:
    explicit ClassListPanel(QWidget *parent = nullptr);

    void setIndex(const DatasetIndex &index);
    void clear();
    bool addSkipped(const SkippedFile &file); // false when already listed
    // The counts of what Start trains when the Curate tab holds edits; clear: the folders' again.
    void setCuratedCounts(const QStringList &names, std::vector<qint64> train, std::vector<qint64> val,
                          qint64 excluded);
    void clearCuratedCounts();
    [[nodiscard]] bool showsCuratedCounts() const { return m_curated; }

    [[nodiscard]] ClassBalanceModel *model() const { return m_model; }
    [[nodiscard]] SkippedFilesView *skippedView() const { return m_skipped; }
    [[nodiscard]] QSplitter *splitter() const { return m_splitter; }

Q_SIGNALS:
    // -1 when no class is selected (show all).
    void classSelected(int label);

private:
    void updateSummary();

    ClassBalanceModel *m_model;
    QTreeView *m_classes;
    SkippedFilesView *m_skipped;
    QLabel *m_summary;
    QLabel *m_skippedHeading;
    QLabel *m_skippedNone;
    QSplitter *m_splitter;
    QString m_root;
    DatasetIndex m_index;
    bool m_curated = false;
    qint64 m_excluded = 0;
};

} // namespace tandem
