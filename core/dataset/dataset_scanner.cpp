#include "dataset_scanner.h"

#include <QtConcurrent/QtConcurrentRun>

namespace tandem {

// What one scan shares with its thread; a cancelled job stays alive until its thread lets go.
struct DatasetScanner::Job {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> lastReportNs{0};
};

DatasetScanner::DatasetScanner(QObject *parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<DatasetIndex>::finished, this, [this] {
        if (!m_job || m_job->cancel || m_watcher.isCanceled())
            return;
        m_job.reset();
        Q_EMIT finished(m_watcher.result());
    });
}

DatasetScanner::~DatasetScanner()
{
    cancel();
    m_watcher.waitForFinished();
}

void DatasetScanner::cancel()
{
    if (m_job)
        m_job->cancel = true;
    m_job.reset();
}

void DatasetScanner::scan(const QString &root, const DatasetIndexOptions &options)
{
    cancel();
    // A cancelled scan may still be finishing; its watcher result is ignored (job mismatch), and
    // waiting here is short because the scan stops at its next file.
    m_watcher.waitForFinished();
    m_root = root;
    m_job = std::make_shared<Job>();
    std::shared_ptr<Job> job = m_job;
    QElapsedTimer clock;
    clock.start();
    m_watcher.setFuture(QtConcurrent::run([this, job, root, options, clock] {
        auto report = [this, job, clock](qint64 done, qint64 total) {
            const qint64 now = clock.nsecsElapsed();
            if (now - job->lastReportNs < 50'000'000 && done != total)
                return;
            job->lastReportNs = now;
            // The destructor waits for this thread, so `this` is alive; the queued call is dropped
            // if the scanner is deleted before it runs.
            QMetaObject::invokeMethod(
                this,
                [this, job, done, total] {
                    if (job == m_job)
                        Q_EMIT progress(done, total);
                },
                Qt::QueuedConnection);
        };
        return DatasetIndex::scan(root, options, &job->cancel, report);
    }));
}

} // namespace tandem
