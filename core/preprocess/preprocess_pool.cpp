#include "preprocess/preprocess_pool.h"

#include "preprocess/image_preprocessor.h"
#include "common/seeded_random.h"
#include "common/stage.h"
#include "common/thread_priority.h"

#include <QLoggingCategory>
#include <QThread>

#include <algorithm>
#include <cstring>
#include <limits>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcPool, "tandem.pipeline")

// A batch buffer above this is a configuration mistake (4096 samples of 224×224×3 are 600 MiB).
constexpr qint64 kMaxBatchBytes = 4LL << 30;

struct SampleOutcome {
    bool started = false;
    bool ok = false;
    QString error;
    quint64 contentId = 0;
    qint64 readStartNs = 0, readNs = 0;
    qint64 decodeStartNs = 0, decodeNs = 0;
    qint64 transformStartNs = 0, transformNs = 0;
};

// Widens [start, end] of one stage by a sample's span; a start of 0 means the stage never ran.
void widen(qint64 start, qint64 duration, qint64 &first, qint64 &last)
{
    if (start == 0)
        return;
    first = first == 0 ? start : std::min(first, start);
    last = std::max(last, start + duration);
}
} // namespace

struct PreprocessPool::Job {
    const std::vector<SampleRef> *samples = nullptr;
    PreprocessOptions options;
    quint64 seedBase = 0;
    const std::atomic<bool> *cancel = nullptr;
    uchar *pixels = nullptr;
    qint64 sampleBytes = 0;
    std::vector<SampleOutcome> outcomes; // each written by exactly one worker

    std::atomic<size_t> next{0};
    std::atomic<size_t> remaining{0};
    std::mutex doneMutex;
    std::condition_variable done;
};

PreprocessPool::PreprocessPool(int threads)
{
    const int count = threads > 0 ? threads : std::max(1, QThread::idealThreadCount());
    m_threads.reserve(size_t(count));
    for (int i = 0; i < count; ++i)
        m_threads.emplace_back([this] {
            priority::lowerCurrentThread(); // the GUI thread comes first (common/thread_priority.h)
            workerLoop();
        });
}

PreprocessPool::~PreprocessPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &thread : m_threads)
        thread.join();
}

quint64 PreprocessPool::sampleSeed(quint64 seedBase, quint64 index)
{
    return SeededRandom::mix(seedBase, index);
}

void PreprocessPool::workerLoop()
{
    for (;;) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                return; // stopping, and nothing left to finish
            job = m_jobs.front();
        }
        runJob(*job);
        {
            // The job has no unclaimed samples left: whoever gets here first retires it.
            std::lock_guard lock(m_mutex);
            if (!m_jobs.empty() && m_jobs.front() == job)
                m_jobs.pop_front();
        }
    }
}

void PreprocessPool::runJob(Job &job)
{
    const size_t count = job.samples->size();
    for (;;) {
        const size_t i = job.next.fetch_add(1, std::memory_order_relaxed);
        if (i >= count)
            return;
        SampleOutcome &outcome = job.outcomes[i];
        if (!(job.cancel && job.cancel->load(std::memory_order_relaxed))) {
            const SampleRef &sample = (*job.samples)[i];
            PreprocessResult result =
                ImagePreprocessor::preprocessFile(sample.path, job.options, sampleSeed(job.seedBase, sample.index),
                                                  job.pixels + qint64(i) * job.sampleBytes);
            outcome.started = true;
            outcome.ok = result.ok();
            outcome.error = std::move(result.error);
            outcome.contentId = result.contentId;
            outcome.readStartNs = result.readStartNs;
            outcome.readNs = result.readNs;
            outcome.decodeStartNs = result.decodeStartNs;
            outcome.decodeNs = result.decodeNs;
            outcome.transformStartNs = result.transformStartNs;
            outcome.transformNs = result.transformNs;
        }
        if (job.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard lock(job.doneMutex);
            job.done.notify_all();
        }
    }
}

PreparedBatch PreprocessPool::processBatch(const std::vector<SampleRef> &samples, const PreprocessOptions &options,
                                           quint64 seedBase, const std::atomic<bool> *cancel)
{
    PreparedBatch batch;
    batch.channels = options.channels();
    batch.height = options.height;
    batch.width = options.width;
    if (samples.empty())
        return batch;

    auto failAll = [&](const QString &reason) {
        for (const SampleRef &sample : samples)
            batch.failures.push_back({sample.path, reason});
        return batch;
    };
    if (const QString invalid = options.validate(); !invalid.isEmpty())
        return failAll(QStringLiteral("invalid options: %1").arg(invalid));
    const qint64 sampleBytes = options.sampleBytes();
    if (qint64(samples.size()) > kMaxBatchBytes / sampleBytes)
        return failAll(QStringLiteral("batch of %1 samples at %2 bytes each exceeds %3 GiB")
                           .arg(samples.size())
                           .arg(sampleBytes)
                           .arg(kMaxBatchBytes >> 30));

    batch.pixels.resize(qsizetype(sampleBytes * qint64(samples.size())));
    auto job = std::make_shared<Job>();
    job->samples = &samples;
    job->options = options;
    job->seedBase = seedBase;
    job->cancel = cancel;
    job->pixels = reinterpret_cast<uchar *>(batch.pixels.data());
    job->sampleBytes = sampleBytes;
    job->outcomes.resize(samples.size());
    job->remaining.store(samples.size());
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(job);
    }
    m_wake.notify_all();
    {
        std::unique_lock lock(job->doneMutex);
        job->done.wait(lock, [&] { return job->remaining.load(std::memory_order_acquire) == 0; });
    }

    // Compact the successful samples to the front, keeping their order.
    qint64 kept = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
        const SampleOutcome &outcome = job->outcomes[i];
        batch.readBusyNs += outcome.readNs;
        batch.decodeBusyNs += outcome.decodeNs;
        batch.transformBusyNs += outcome.transformNs;
        widen(outcome.readStartNs, outcome.readNs, batch.readStartNs, batch.readEndNs);
        widen(outcome.decodeStartNs, outcome.decodeNs, batch.decodeStartNs, batch.decodeEndNs);
        widen(outcome.transformStartNs, outcome.transformNs, batch.transformStartNs, batch.transformEndNs);
        if (!outcome.started) {
            batch.cancelled = true;
            continue;
        }
        if (!outcome.ok) {
            qCDebug(lcPool) << "left out" << samples[i].path << outcome.error;
            batch.failures.push_back({samples[i].path, outcome.error});
            continue;
        }
        if (kept != qint64(i))
            std::memmove(job->pixels + kept * sampleBytes, job->pixels + qint64(i) * sampleBytes, size_t(sampleBytes));
        ++kept;
        batch.labels.push_back(samples[i].label);
        batch.contentIds.push_back(outcome.contentId);
        batch.indices.push_back(samples[i].index);
    }
    batch.pixels.truncate(qsizetype(kept * sampleBytes));
    return batch;
}

} // namespace tandem
