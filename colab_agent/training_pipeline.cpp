#include "training_pipeline.h"

#include "common/bounded_queue.h"
#include "trainer_worker.h"
#include "work_item.h"

#include <exception>

namespace tandem::agent {

namespace {
// EpochEnd and WeightsRequest wait in the queue beside the batches; a client cannot make the
// agent hold more than this many of them.
constexpr int kMaxPendingRequests = 64;
} // namespace

TrainingPipeline::TrainingPipeline(Setup setup, QObject *parent)
    : QObject(parent), m_setup(std::move(setup)),
      m_queue(std::make_shared<BoundedQueue<WorkItem>>(size_t(m_setup.credits + kMaxPendingRequests))),
      m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    TrainerWorker::Setup workerSetup{m_setup.config, m_setup.device, m_setup.threads};
    m_worker = std::make_unique<TrainerWorker>(std::move(workerSetup), m_queue, m_cancel);
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("tandem-trainer"));

    connect(m_worker.get(), &TrainerWorker::started, this, [this](protocol::SessionInfo info) {
        info.credits = m_setup.credits;
        Q_EMIT started(info);
    });
    connect(m_worker.get(), &TrainerWorker::batchTaken, this, [this] { Q_EMIT batchTaken(); });
    connect(m_worker.get(), &TrainerWorker::stepFinished, this, &TrainingPipeline::stepFinished);
    connect(m_worker.get(), &TrainerWorker::inferFinished, this, &TrainingPipeline::inferFinished);
    connect(m_worker.get(), &TrainerWorker::epochFinished, this, &TrainingPipeline::epochFinished);
    connect(m_worker.get(), &TrainerWorker::weightsReady, this, &TrainingPipeline::weightsReady);
    connect(m_worker.get(), &TrainerWorker::failed, this, &TrainingPipeline::failed);
    connect(&m_thread, &QThread::started, m_worker.get(), [worker = m_worker.get()] { worker->run(); });
    m_thread.start();
}

TrainingPipeline::~TrainingPipeline()
{
    stop();
    m_thread.quit();
    m_thread.wait();
    m_worker.reset(); // its thread has finished: safe to delete from here
}

void TrainingPipeline::stop()
{
    m_cancel->store(true);
    m_queue->close();
    m_worker->disconnect(this);
}

void TrainingPipeline::retire(QObject *keeper)
{
    stop();
    setParent(keeper);
    // Connected before asking: a thread that finishes in between still reaches the handler.
    connect(&m_thread, &QThread::finished, this, [this] {
        Q_EMIT retired();
        deleteLater();
    });
    m_thread.quit(); // exec() returns at once once the worker's run() returns (Qt: quit before exec)
    if (m_thread.isFinished()) {
        Q_EMIT retired();
        deleteLater(); // safe to call twice
    }
}

QString TrainingPipeline::submitBatch(const protocol::Batch &batch, qint64 firstByteNs, qint64 arrivalNs)
{
    const qint64 unpackStartNs = protocol::monotonicNs();
    const protocol::SessionConfig &config = m_setup.config;
    if (batch.channels != config.channels || batch.height != config.height || batch.width != config.width) {
        return QStringLiteral("batch %1 holds %2×%3×%4 samples, the session expects %5×%6×%7 (H×W×C)")
            .arg(batch.seq)
            .arg(batch.height)
            .arg(batch.width)
            .arg(batch.channels)
            .arg(config.height)
            .arg(config.width)
            .arg(config.channels);
    }
    const qint64 n = batch.count();
    if (batch.pixels.size() != n * batch.sampleBytes() || qint64(batch.contentIds.size()) != n)
        return QStringLiteral("batch %1: sizes of pixels, labels and content ids disagree").arg(batch.seq);
    if (batch.split != protocol::Split::Infer) {
        for (qint32 label : batch.labels) {
            if (label < 0 || label >= config.numClasses())
                return QStringLiteral("batch %1: label %2 is outside 0..%3")
                    .arg(batch.seq)
                    .arg(label)
                    .arg(config.numClasses() - 1);
        }
    }

    WorkItem item;
    try {
        // Into page-locked memory when the trainer copies to a GPU (so that copy can be asynchronous).
        item = WorkItem::fromBatch(batch, m_setup.device.cuda);
    } catch (const std::exception &error) {
        return QStringLiteral("batch %1 could not be unpacked: %2")
            .arg(batch.seq)
            .arg(QString::fromLocal8Bit(error.what()));
    }
    item.firstByteNs = firstByteNs;
    item.arrivalNs = arrivalNs;
    item.unpackStartNs = unpackStartNs;
    item.queuedNs = protocol::monotonicNs();
    if (!m_queue->tryPush(std::move(item)))
        return QStringLiteral("batch %1 exceeds the agent's queue").arg(batch.seq);
    return {};
}

bool TrainingPipeline::submitEpochEnd(const protocol::EpochEnd &end)
{
    WorkItem item;
    item.kind = WorkItem::Kind::EpochEnd;
    item.epochEnd = end;
    return m_queue->tryPush(std::move(item));
}

bool TrainingPipeline::submitWeightsRequest()
{
    WorkItem item;
    item.kind = WorkItem::Kind::Weights;
    return m_queue->tryPush(std::move(item));
}

} // namespace tandem::agent
