// Indexes a dataset folder off the UI thread, with progress and cancellation.
#pragma once

#include "dataset/dataset_index.h"
#include "jobs/background_job.h"

#include <QMetaType>
#include <QObject>

namespace tandem {

class DatasetScanner : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetScanner)
public:
    explicit DatasetScanner(QObject *parent = nullptr);

    // Starts indexing root; a scan under way is cancelled and its result never delivered.
    void scan(const QString &root, const DatasetIndexOptions &options = {});
    void cancel();

    [[nodiscard]] bool isScanning() const { return m_job.isRunning(); }
    [[nodiscard]] QString root() const { return m_root; }

Q_SIGNALS:
    // At most every 50 ms: files looked at so far, and the total once it is known.
    void progress(qint64 done, qint64 total);
    // The index (its error() says when the folder was unusable). Not emitted after cancel().
    void finished(const tandem::DatasetIndex &index);

private:
    QString m_root;
    BackgroundJob m_job;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::DatasetIndex)
