// A fixed set of worker threads that preprocess the samples of one batch in parallel.
#pragma once

#include "common/sample_ref.h"
#include "common/skipped_file.h"
#include "preprocess/preprocess_options.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tandem {

struct PreparedBatch {
    QByteArray pixels;                 // NHWC uint8, successful samples only, in input order, contiguous
    std::vector<qint32> labels;        // one per successful sample
    std::vector<quint64> contentIds;   // XXH3-64 of each successful sample's file
    std::vector<quint64> indices;      // SampleRef::index of each successful sample
    std::vector<SkippedFile> failures; // samples left out, with the reason
    int channels = 0;
    int height = 0;
    int width = 0;
    bool cancelled = false; // samples not started when cancel was seen are simply absent
    // Per stage: busy time summed over threads, and [first start, last end] on
    // tandem::protocol::monotonicNs()'s timeline (0 when no sample reached the stage).
    qint64 readBusyNs = 0;
    qint64 decodeBusyNs = 0;
    qint64 transformBusyNs = 0;
    qint64 readStartNs = 0;
    qint64 readEndNs = 0;
    qint64 decodeStartNs = 0;
    qint64 decodeEndNs = 0;
    qint64 transformStartNs = 0;
    qint64 transformEndNs = 0;

    [[nodiscard]] int count() const { return int(labels.size()); }
};

// Owns N worker threads for its whole life. processBatch blocks its caller (the producer thread)
// while the workers share the batch's samples; a failing sample is reported and left out. Batches
// from several callers queue up and run in turn. Each sample's output depends only on its file,
// the options and mix(seedBase, sample.index), never on the thread that made it.
class PreprocessPool {
    Q_DISABLE_COPY_MOVE(PreprocessPool)
public:
    explicit PreprocessPool(int threads = 0); // 0: QThread::idealThreadCount()
    ~PreprocessPool();                        // joins the workers; no processBatch call may still be running

    [[nodiscard]] int threadCount() const { return int(m_threads.size()); }

    [[nodiscard]] PreparedBatch processBatch(const std::vector<SampleRef> &samples, const PreprocessOptions &options,
                                             quint64 seedBase, const std::atomic<bool> *cancel = nullptr);

    // The seed a sample gets: its crops and flips, reproducible with ImagePreprocessor directly.
    [[nodiscard]] static quint64 sampleSeed(quint64 seedBase, quint64 index);

private:
    struct Job;

    void workerLoop();
    static void runJob(Job &job);

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::shared_ptr<Job>> m_jobs; // guarded by m_mutex
    bool m_stopping = false;                 // guarded by m_mutex
};

} // namespace tandem
