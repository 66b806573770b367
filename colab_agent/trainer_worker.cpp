#include "trainer_worker.h"

#include "agent_log.h"
#include "trainer.h"
#include "work_item.h"

#include <algorithm>
#include <exception>
#include <optional>

namespace tandem::agent {

namespace {
constexpr double kNsPerSecond = 1e9;
const QString kWeightsFormat = QStringLiteral("torch-pickle-state-dict");
} // namespace

TrainerWorker::TrainerWorker(Setup setup, std::shared_ptr<BoundedQueue<WorkItem>> queue,
                             std::shared_ptr<std::atomic<bool>> cancel)
    : m_setup(std::move(setup)), m_queue(std::move(queue)), m_cancel(std::move(cancel))
{
}

TrainerWorker::~TrainerWorker() = default;

void TrainerWorker::run()
{
    // The agent's edge for libtorch: nothing thrown inside gets past this function.
    try {
        torch_runtime::setThreads(m_setup.threads); // per thread: OpenMP settings are thread-local
        m_trainer = std::make_unique<Trainer>(m_setup.config, m_setup.device);
        Q_EMIT started(m_trainer->info());
        loop();
    } catch (const c10::Error &error) {
        Q_EMIT failed(QString::fromStdString(error.what_without_backtrace()));
    } catch (const std::exception &error) {
        Q_EMIT failed(QString::fromLocal8Bit(error.what()));
    }
    m_trainer.reset(); // free the model (and device memory) on the thread that used it
}

void TrainerWorker::loop()
{
    // On CUDA the worker looks one item ahead: while the device computes batch k, batch k+1 is
    // taken and its copy issued. A control item found that way waits until batch k is reported.
    std::optional<Trainer::InFlight> staged;
    std::optional<WorkItem> pendingControl;
    auto take = [this](WorkItem &item) {
        item.takenNs = protocol::monotonicNs();
        Q_EMIT batchTaken(item.seq);
    };

    while (!m_cancel->load()) {
        Trainer::InFlight current;
        if (staged) {
            current = std::move(*staged);
            staged.reset();
        } else if (pendingControl) {
            handleControl(*pendingControl);
            pendingControl.reset();
            continue;
        } else {
            std::optional<WorkItem> item = m_queue->pop();
            if (!item)
                return; // closed
            if (item->kind != WorkItem::Kind::Batch) {
                handleControl(*item);
                continue;
            }
            take(*item);
            current = m_trainer->stage(std::move(*item));
        }

        m_trainer->launch(current);
        if (m_trainer->isAsynchronous() && !m_cancel->load()) {
            if (std::optional<WorkItem> next = m_queue->tryPop()) {
                if (next->kind == WorkItem::Kind::Batch) {
                    take(*next);
                    staged = m_trainer->stage(std::move(*next));
                } else {
                    pendingControl = std::move(next);
                }
            }
        }
        Trainer::Outcome outcome = m_trainer->finish(current);

        const WorkItem &item = current.item;
        protocol::StepMetrics &metrics = outcome.metrics;
        const qint64 endNs = metrics.spans.empty() ? protocol::monotonicNs() : metrics.spans.back().endNs;
        metrics.spans.insert(metrics.spans.begin(),
                             {protocol::Span{protocol::Stage::Receive, item.firstByteNs, item.arrivalNs},
                              protocol::Span{protocol::Stage::Unpack, item.unpackStartNs, item.queuedNs},
                              protocol::Span{protocol::Stage::QueueWait, item.queuedNs, item.takenNs}});
        // Throughput: busy time since the previous step ended, or since this batch was taken if
        // the trainer had been waiting for it.
        const qint64 busyNs = endNs - std::max(m_lastStepEndNs, item.takenNs);
        metrics.samplesPerSecond = busyNs > 0 ? float(item.count * kNsPerSecond / double(busyNs)) : 0.F;
        m_lastStepEndNs = endNs;
        account(item, metrics.correct, outcome.lossSum, endNs);

        if (outcome.infer)
            Q_EMIT inferFinished(*outcome.infer);
        else
            Q_EMIT stepFinished(metrics);
    }
}

void TrainerWorker::account(const WorkItem &batch, quint32 correct, double lossSum, qint64 endNs)
{
    EpochTotals &totals = m_epochs[{batch.epoch, int(batch.split)}];
    if (totals.batches == 0)
        totals.firstNs = batch.firstByteNs;
    totals.batches += 1;
    totals.samples += batch.count;
    totals.correct += correct;
    totals.lossSum += lossSum;
    totals.lastNs = endNs;
}

void TrainerWorker::handleControl(const WorkItem &item)
{
    if (item.kind == WorkItem::Kind::Weights) {
        Q_EMIT weightsReady(protocol::Weights{kWeightsFormat, m_trainer->exportWeights()});
        return;
    }
    const protocol::EpochEnd &end = item.epochEnd;
    const auto key = std::make_pair(end.epoch, int(end.split));
    const EpochTotals totals = m_epochs[key];
    m_epochs.erase(key);
    if (totals.batches != end.batches) {
        qCWarning(lcAgent, "epoch %u (%s): the client announced %u batches, the agent processed %u", end.epoch,
                  protocol::splitName(end.split), end.batches, totals.batches);
    }
    protocol::EpochMetrics metrics;
    metrics.epoch = end.epoch;
    metrics.split = end.split;
    metrics.samples = totals.samples;
    metrics.correct = totals.correct;
    metrics.meanLoss = totals.samples > 0 ? float(totals.lossSum / totals.samples) : 0.F;
    metrics.accuracy = totals.samples > 0 ? float(double(totals.correct) / totals.samples) : 0.F;
    metrics.durationNs = totals.lastNs - totals.firstNs;
    Q_EMIT epochFinished(metrics);
}

} // namespace tandem::agent
