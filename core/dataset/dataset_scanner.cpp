#include "dataset_scanner.h"

namespace tandem {

// The job's destructor cancels a scan under way and waits for it (it checks between files).
DatasetScanner::DatasetScanner(QObject *parent) : QObject(parent)
{
    connect(&m_job, &BackgroundJob::progress, this, &DatasetScanner::progress);
}

void DatasetScanner::cancel()
{
    m_job.discard();
}

void DatasetScanner::scan(const QString &root, const DatasetIndexOptions &options)
{
    m_root = root;
    m_job.start([this, root, options](const std::atomic<bool> &cancel,
                                      const BackgroundJob::Progress &progress) -> BackgroundJob::Finish {
        DatasetIndex index = DatasetIndex::scan(root, options, &cancel, progress);
        if (cancel)
            return {};
        return [this, index = std::move(index)] { Q_EMIT finished(index); };
    });
}

} // namespace tandem
