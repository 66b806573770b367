// One session's training machinery as the network side sees it: validates and unpacks batches on
// the calling (network) thread, queues them in order with epoch ends and weight requests, and
// relays the trainer thread's results. Free of libtorch types.
#pragma once

#include "messages.h"
#include "session_config.h"
#include "torch_runtime.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace tandem {
template <typename T> class BoundedQueue;
} // namespace tandem

namespace tandem::agent {

struct WorkItem;
class TrainerWorker;

class TrainingPipeline : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingPipeline)
public:
    struct Setup {
        protocol::SessionConfig config;
        DevicePlan device;
        int threads = 0; // libtorch intra-op threads on the trainer thread
        int credits = 4; // batches the client may have queued or in flight
    };

    // Starts the trainer thread, which builds the model and then emits started() or failed().
    TrainingPipeline(Setup setup, QObject *parent = nullptr);
    // Cancels, drops queued work and joins the trainer thread (after the step in progress).
    ~TrainingPipeline() override;
    // Cancels and drops queued work without waiting; no result is reported after this.
    void stop();
    // stop(), then hands this pipeline to keeper (as its parent) and deletes itself from the event
    // loop once the trainer thread has finished its step: the caller's thread never waits for the
    // trainer (a new client's handshake goes on meanwhile). keeper's destructor joins what is left.
    void retire(QObject *keeper);

    // Empty on success; otherwise why the batch does not fit the session (the caller closes the
    // connection as malformed). Timestamps: agent clock, first and last frame of the message.
    [[nodiscard]] QString submitBatch(const protocol::Batch &batch, qint64 firstByteNs, qint64 arrivalNs);
    // False when too many requests are pending.
    [[nodiscard]] bool submitEpochEnd(const protocol::EpochEnd &end);
    [[nodiscard]] bool submitWeightsRequest();

    [[nodiscard]] const protocol::SessionConfig &config() const { return m_setup.config; }

Q_SIGNALS:
    void started(const tandem::protocol::SessionInfo &info); // credits filled in
    void batchTaken();
    void stepFinished(const tandem::protocol::StepMetrics &metrics);
    void inferFinished(const tandem::protocol::InferResult &result);
    void epochFinished(const tandem::protocol::EpochMetrics &metrics);
    void weightsReady(const tandem::protocol::Weights &weights);
    void failed(const QString &reason);
    // After retire(): the trainer thread has finished (the model is freed); emitted just before
    // the pipeline deletes itself.
    void retired();

private:
    Setup m_setup;
    std::shared_ptr<BoundedQueue<WorkItem>> m_queue;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::unique_ptr<TrainerWorker> m_worker;
    QThread m_thread;
};

} // namespace tandem::agent
