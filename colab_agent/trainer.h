// The libtorch side of one session: model, optimiser, device, and the work on one batch, split into
// stage (host to device), launch (forward/backward/step) and finish (wait, read metrics) so that on
// CUDA the next batch's copy can overlap this batch's compute. Used by the trainer thread only;
// its methods may throw c10::Error, caught by TrainerWorker.
#pragma once

#include "classifier.h"
#include "messages.h"
#include "session_config.h"
#include "torch_compat.h"
#include "torch_runtime.h"
#include "work_item.h"

#include <torch/optim/optimizer.h>

#include <QByteArray>

#include <array>
#include <memory>
#include <optional>

namespace tandem::agent {

class Trainer {
public:
    Trainer(const protocol::SessionConfig &config, const DevicePlan &device);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Boundaries between the device stages of one batch.
    enum Mark { CopyBegin, CopyEnd, ForwardBegin, ForwardEnd, BackwardEnd, StepEnd, kMarkCount };

    struct InFlight {
        WorkItem item;
        torch::Tensor x; // normalised N×C×H×W float on the device
        torch::Tensor y; // int64 labels on the device
        torch::Tensor logits;
        torch::Tensor loss;                      // scalar, detached
        torch::Tensor correct;                   // scalar count of right answers
        double learningRate = 0.0;               // used for this step
        std::array<qint64, kMarkCount> hostNs{}; // agent clock per mark (0: not reached)
        std::array<bool, kMarkCount> reached{};
#if defined(TANDEM_AGENT_CUDA)
        std::array<std::optional<compat::TimingEvent>, kMarkCount> events;
#endif
    };

    struct Outcome {
        protocol::StepMetrics metrics;              // device spans only; the worker adds the rest
        std::optional<protocol::InferResult> infer; // for Split::Infer
        double lossSum = 0.0;                       // loss × count, for the epoch mean
    };

    // Host-to-device copy, normalisation and (train, if configured) random flip.
    [[nodiscard]] InFlight stage(WorkItem item);
    // Forward, and for training backward and optimiser step; on CUDA returns before they finish.
    void launch(InFlight &batch);
    // Waits for the batch, maps device times onto the agent clock, reads loss and accuracy.
    [[nodiscard]] Outcome finish(InFlight &batch);

    // The model's state dict (parameters and buffers, torchvision names) as torch.save writes it.
    [[nodiscard]] QByteArray exportWeights() const;
    [[nodiscard]] protocol::SessionInfo info() const;
    // Whether launch() returns before the device is done (so the next batch can be staged meanwhile).
    [[nodiscard]] bool isAsynchronous() const
    {
        return m_plan.cuda;
    }

private:
    void mark(InFlight &batch, Mark mark, bool onCopyStream = false);
    [[nodiscard]] double currentLearningRate() const;

    protocol::SessionConfig m_config;
    DevicePlan m_plan;
    torch::Device m_device;
    QString m_modelName;
    QString m_precisionNote;
    bool m_bf16 = false;
    std::shared_ptr<Classifier> m_model;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    torch::Tensor m_scale; // 1 / (255 std) per channel, 1×C×1×1 on the device
    torch::Tensor m_shift; // −mean / std per channel
    qint64 m_trainSteps = 0;
#if defined(TANDEM_AGENT_CUDA)
    std::optional<compat::CudaStream> m_copyStream;
    std::optional<compat::CudaStream> m_computeStream;
#endif
};

} // namespace tandem::agent
