// Runs the CPU side of the pipeline on its own threads: preprocess → encode → bounded queue.
#pragma once

#include "common/bounded_queue.h"
#include "epoch_plan.h"
#include "messages.h"
#include "preprocess/preprocess_options.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace tandem {

class PreprocessPool;

// One unit of work for the sender, in the order it must go on the wire.
struct ProducedItem {
    enum class Kind { Batch, EpochEnd, Skipped, Finished }; // Skipped: only failures to report
    Kind kind = Kind::Batch;
    QByteArray encoded; // Batch: the encoded message, ready to stamp and send
    quint64 seq = 0;
    quint32 epoch = 0;
    protocol::Split split = protocol::Split::Train;
    int samples = 0;
    qint64 readyNs = 0;                // when the batch was encoded and queued
    std::vector<protocol::Span> spans; // client spans: read, decode, transform, encode
    protocol::EpochEnd end;            // EpochEnd
    std::vector<SkippedFile> failures; // samples of this batch that could not be preprocessed
};

struct ProducerPlan {
    int epochs = 1;
    PreprocessOptions train;
    PreprocessOptions val;
    quint64 seed = 0;
    int threads = 0;
    int queueCapacity = 4; // encoded batches waiting for credits: caps client memory
};

class BatchProducer : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BatchProducer)
public:
    BatchProducer(std::shared_ptr<const EpochPlan> plan, ProducerPlan settings, QObject *parent = nullptr);
    ~BatchProducer() override;

    void start();
    void cancel();
    [[nodiscard]] std::optional<ProducedItem> tryTake() { return m_queue.tryPop(); }
    [[nodiscard]] size_t queued() const { return m_queue.size(); }

Q_SIGNALS:
    // Emitted from the producer thread; connect with a context object in the consumer's thread.
    void itemReady();

private:
    void run();
    bool produceSplit(quint32 epoch, SampleSplit split, quint64 &seq);

    std::shared_ptr<const EpochPlan> m_plan;
    ProducerPlan m_settings;
    std::unique_ptr<PreprocessPool> m_pool;
    BoundedQueue<ProducedItem> m_queue;
    std::atomic<bool> m_cancel{false};
    std::unique_ptr<QThread> m_thread;
};

} // namespace tandem
