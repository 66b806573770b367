// The trainer thread's loop: builds the session's Trainer, takes work from the queue in order and
// reports every result back through queued signals. Cancelled through a shared atomic flag.
#pragma once

#include "common/bounded_queue.h"
#include "messages.h"
#include "session_config.h"
#include "torch_runtime.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <utility>

namespace tandem::agent {

struct WorkItem;
class Trainer;

class TrainerWorker : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainerWorker)
public:
    struct Setup {
        protocol::SessionConfig config;
        DevicePlan device;
        int threads = 0; // libtorch intra-op threads; 0 keeps libtorch's default
    };

    TrainerWorker(Setup setup, std::shared_ptr<BoundedQueue<WorkItem>> queue,
                  std::shared_ptr<std::atomic<bool>> cancel);
    ~TrainerWorker() override;

    // Runs until the queue closes or cancel is set; call on the worker's own thread.
    void run();

Q_SIGNALS:
    void started(const tandem::protocol::SessionInfo &info);
    void batchTaken(quint64 seq);
    void stepFinished(const tandem::protocol::StepMetrics &metrics);
    void inferFinished(const tandem::protocol::InferResult &result);
    void epochFinished(const tandem::protocol::EpochMetrics &metrics);
    void weightsReady(const tandem::protocol::Weights &weights);
    void failed(const QString &reason);

private:
    struct EpochTotals {
        quint32 samples = 0;
        quint32 correct = 0;
        quint32 batches = 0;
        double lossSum = 0.0;
        qint64 firstNs = 0;
        qint64 lastNs = 0;
    };

    void loop();
    void handleControl(const WorkItem &item);
    void account(const WorkItem &batch, quint32 correct, double lossSum, qint64 endNs);

    Setup m_setup;
    std::shared_ptr<BoundedQueue<WorkItem>> m_queue;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::unique_ptr<Trainer> m_trainer;
    std::map<std::pair<quint32, int>, EpochTotals> m_epochs; // (epoch, split)
    qint64 m_lastStepEndNs = 0;
};

} // namespace tandem::agent
