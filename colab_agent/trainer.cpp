#include "trainer.h"

#include "resnet18.h"
#include "small_cnn.h"

#include "common/stage.h"

#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <cmath>
#include <stdexcept>

namespace tandem::agent {

namespace {

using protocol::Split;

constexpr double kPi = 3.14159265358979323846;
constexpr double kFlipProbability = 0.5;

std::shared_ptr<Classifier> makeModel(const QString &name, int channels, int classes)
{
    if (name == QLatin1String("cnn"))
        return std::make_shared<SmallCnn>(channels, classes);
    if (name == QLatin1String("resnet18"))
        return std::make_shared<ResNet18>(channels, classes);
    throw std::invalid_argument("unknown model " + name.toStdString());
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const protocol::SessionConfig &config,
                                                       std::vector<torch::Tensor> parameters)
{
    if (config.optimizer == QLatin1String("adamw")) {
        return std::make_unique<torch::optim::AdamW>(
            std::move(parameters), torch::optim::AdamWOptions(config.learningRate).weight_decay(config.weightDecay));
    }
    return std::make_unique<torch::optim::SGD>(
        std::move(parameters),
        torch::optim::SGDOptions(config.learningRate).momentum(config.momentum).weight_decay(config.weightDecay));
}

protocol::Span span(protocol::Stage stage, qint64 startNs, qint64 endNs)
{
    return protocol::Span{stage, startNs, endNs};
}

} // namespace

Trainer::Trainer(const protocol::SessionConfig &config, const DevicePlan &device)
    : m_config(config), m_plan(device),
      m_device(device.cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device.index))
                           : torch::Device(torch::kCPU)),
      m_modelName(config.resolvedModel())
{
    const bool wantsBf16 =
        config.precision == QLatin1String("bf16") || (config.precision == QLatin1String("auto") && device.cuda);
    m_bf16 = wantsBf16 && device.cuda;
    if (wantsBf16 && !device.cuda)
        m_precisionNote = QStringLiteral("bf16 autocast needs CUDA; training in fp32 on the CPU");

    torch::manual_seed(config.seed); // seeds the CPU and every CUDA generator
    m_model = makeModel(m_modelName, config.channels, config.numClasses());
    m_model->to(m_device);

#if defined(TANDEM_AGENT_CUDA)
    if (device.cuda) {
        compat::setCudnnBenchmark(true);
        // channels_last suits tensor-core convolutions; the NHWC input is channels_last already.
        torch::NoGradGuard noGrad;
        for (auto &parameter : m_model->parameters()) {
            if (parameter.dim() == 4)
                parameter.set_data(parameter.data().contiguous(at::MemoryFormat::ChannelsLast));
        }
        m_copyStream = compat::sideStream(device.index);
        m_computeStream = compat::currentStream(device.index);
    }
#endif
    m_optimizer = makeOptimizer(config, m_model->parameters());

    // (x/255 − mean)/std as one multiply-add per channel; gray uses the first mean/std.
    std::vector<float> scale;
    std::vector<float> shift;
    for (int c = 0; c < config.channels; ++c) {
        scale.push_back(float(1.0 / (255.0 * config.std[size_t(c)])));
        shift.push_back(float(-config.mean[size_t(c)] / config.std[size_t(c)]));
    }
    const auto shape = std::vector<int64_t>{1, config.channels, 1, 1};
    m_scale = torch::tensor(scale).reshape(shape).to(m_device);
    m_shift = torch::tensor(shift).reshape(shape).to(m_device);
}

Trainer::~Trainer() = default;

void Trainer::mark(InFlight &batch, Mark mark, bool onCopyStream)
{
#if defined(TANDEM_AGENT_CUDA)
    if (m_plan.cuda) {
        auto &event = batch.events[size_t(mark)];
        event.emplace();
        event->record(onCopyStream ? *m_copyStream : *m_computeStream);
    }
#endif
    batch.hostNs[size_t(mark)] = protocol::monotonicNs();
    batch.reached[size_t(mark)] = true;
}

double Trainer::currentLearningRate() const
{
    const qint64 total = qint64(m_config.epochs) * m_config.stepsPerEpoch;
    if (m_config.stepsPerEpoch <= 0 || total <= 0)
        return m_config.learningRate;
    const double progress = double(std::min(m_trainSteps, total)) / double(total);
    return m_config.learningRate * 0.5 * (1.0 + std::cos(kPi * progress));
}

Trainer::InFlight Trainer::stage(WorkItem item)
{
    InFlight batch;
    batch.item = std::move(item);
    const bool flip = m_config.deviceFlip && batch.item.split == Split::Train;

    auto prepare = [&] {
        // NHWC uint8 → NCHW float view (channels_last in memory), normalised on the device.
        torch::Tensor x = batch.item.pixels.to(m_device, torch::kUInt8, /*non_blocking=*/true);
        batch.y = batch.item.labels.to(m_device, torch::kLong, /*non_blocking=*/true);
        x = x.permute({0, 3, 1, 2}).to(torch::kFloat);
        if (!m_plan.cuda)
            x = x.contiguous(); // plain NCHW is what the CPU kernels are fastest with
        x = x.mul_(m_scale).add_(m_shift);
        if (flip) {
            const auto mask =
                torch::rand({x.size(0), 1, 1, 1}, torch::TensorOptions().device(m_device)) < kFlipProbability;
            x = torch::where(mask, x.flip({3}), x);
        }
        batch.x = x;
    };

#if defined(TANDEM_AGENT_CUDA)
    if (m_plan.cuda) {
        // The copy and normalisation run on a side stream, so that they overlap the previous
        // batch's compute; the compute stream waits for CopyEnd in launch().
        compat::CudaStreamGuard guard(*m_copyStream);
        mark(batch, CopyBegin, true);
        prepare();
        mark(batch, CopyEnd, true);
        // Made on the copy stream, used on the compute stream: keep the allocator from reusing
        // their memory before the compute stream is done with them.
        batch.x.record_stream(m_computeStream->unwrap());
        batch.y.record_stream(m_computeStream->unwrap());
        return batch;
    }
#endif
    mark(batch, CopyBegin);
    prepare();
    mark(batch, CopyEnd);
    return batch;
}

void Trainer::launch(InFlight &batch)
{
#if defined(TANDEM_AGENT_CUDA)
    if (m_plan.cuda)
        batch.events[CopyEnd]->block(*m_computeStream);
#endif
    const Split split = batch.item.split;
    if (m_config.dataPathOnly && split != Split::Infer) {
        // Data-path mode: the batch is on the device, normalised (and flipped): that is the data path.
        batch.learningRate = currentLearningRate();
        return;
    }
    if (split == Split::Train) {
        m_model->train();
        mark(batch, ForwardBegin);
        {
            compat::CudaBf16Autocast autocast(m_bf16);
            batch.logits = m_model->forward(batch.x);
            batch.loss = torch::nn::functional::cross_entropy(batch.logits, batch.y);
        }
        mark(batch, ForwardEnd);
        batch.loss.backward();
        mark(batch, BackwardEnd);
        batch.learningRate = currentLearningRate();
        for (auto &group : m_optimizer->param_groups())
            group.options().set_lr(batch.learningRate);
        m_optimizer->step();
        m_optimizer->zero_grad();
        ++m_trainSteps;
        mark(batch, StepEnd);
        batch.logits = batch.logits.detach();
        batch.loss = batch.loss.detach();
    } else {
        batch.learningRate = currentLearningRate();
        // Scoring and inference: running statistics and weights stay untouched.
        torch::NoGradGuard noGrad;
        m_model->eval();
        mark(batch, ForwardBegin);
        {
            compat::CudaBf16Autocast autocast(m_bf16);
            batch.logits = m_model->forward(batch.x);
            if (split == Split::Val)
                batch.loss = torch::nn::functional::cross_entropy(batch.logits, batch.y);
        }
        mark(batch, ForwardEnd);
    }
    if (split != Split::Infer)
        batch.correct = batch.logits.argmax(1).eq(batch.y).sum();
}

Trainer::Outcome Trainer::finish(InFlight &batch)
{
    const Split split = batch.item.split;
#if defined(TANDEM_AGENT_CUDA)
    if (m_plan.cuda) {
        const Mark last = m_config.dataPathOnly && split != Split::Infer ? CopyEnd
                          : split == Split::Train                        ? StepEnd
                                                                         : ForwardEnd;
        // Device times are exact between events; anchor them at the host time the last one
        // was seen complete (late by the synchronisation latency, microseconds).
        const auto &anchor = *batch.events[size_t(last)];
        anchor.synchronize();
        const qint64 anchorNs = protocol::monotonicNs();
        for (size_t m = 0; m < kMarkCount; ++m) {
            if (batch.reached[m] && batch.events[m])
                batch.hostNs[m] = anchorNs - qint64(std::llround(batch.events[m]->millisecondsTo(anchor) * 1e6));
        }
    }
#endif
    Outcome outcome;
    protocol::StepMetrics &metrics = outcome.metrics;
    metrics.seq = batch.item.seq;
    metrics.epoch = batch.item.epoch;
    metrics.split = split;
    metrics.count = batch.item.count;
    metrics.learningRate = float(batch.learningRate);
    if (batch.loss.defined()) {
        metrics.loss = batch.loss.item<float>();
        outcome.lossSum = double(metrics.loss) * batch.item.count;
    }
    if (batch.correct.defined())
        metrics.correct = quint32(batch.correct.item<int64_t>());
#if defined(TANDEM_AGENT_CUDA)
    if (m_plan.cuda)
        metrics.deviceMemoryBytes = compat::reservedBytes(m_plan.index);
#endif
    const auto &t = batch.hostNs;
    metrics.spans.push_back(span(protocol::Stage::HostToDevice, t[CopyBegin], t[CopyEnd]));
    if (m_config.dataPathOnly && split != Split::Infer)
        return outcome; // no forward, backward or step: loss and correct stay 0 (PROTOCOL.md §6)
    metrics.spans.push_back(span(protocol::Stage::Forward, t[ForwardBegin], t[ForwardEnd]));
    if (split == Split::Train) {
        metrics.spans.push_back(span(protocol::Stage::Backward, t[ForwardEnd], t[BackwardEnd]));
        metrics.spans.push_back(span(protocol::Stage::OptimizerStep, t[BackwardEnd], t[StepEnd]));
    }

    if (split == Split::Infer) {
        const torch::Tensor logits = batch.logits.to(torch::kCPU, torch::kFloat).contiguous();
        protocol::InferResult result;
        result.seq = batch.item.seq;
        result.count = quint32(logits.size(0));
        result.classes = quint32(logits.size(1));
        result.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
        outcome.infer = std::move(result);
    }
    return outcome;
}

QByteArray Trainer::exportWeights() const
{
    // state_dict order as PyTorch writes it: module by module (pre-order), each module's own
    // parameters, then its own buffers.
    c10::Dict<std::string, at::Tensor> state;
    for (const auto &entry : m_model->named_modules(std::string(), /*include_self=*/true)) {
        const std::string prefix = entry.key().empty() ? std::string() : entry.key() + ".";
        for (const auto &parameter : entry.value()->named_parameters(/*recurse=*/false))
            state.insert(prefix + parameter.key(), parameter.value().detach().to(torch::kCPU).contiguous());
        for (const auto &buffer : entry.value()->named_buffers(/*recurse=*/false))
            state.insert(prefix + buffer.key(), buffer.value().detach().to(torch::kCPU).contiguous());
    }
    const std::vector<char> bytes = compat::pickleTensorDict(state);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

protocol::SessionInfo Trainer::info() const
{
    protocol::SessionInfo info;
    info.device = m_plan.description;
    info.model = m_modelName;
    for (const auto &parameter : m_model->parameters())
        info.parameters += parameter.numel();
    info.torchVersion = compat::torchVersion();
    info.precision = m_bf16 ? QStringLiteral("bf16") : QStringLiteral("fp32");
    QStringList notes;
    if (!m_plan.note.isEmpty())
        notes << m_plan.note;
    if (!m_precisionNote.isEmpty())
        notes << m_precisionNote;
    info.note = notes.join(QStringLiteral("; "));
    info.dataPath = m_config.dataPathOnly;
    return info;
}

} // namespace tandem::agent
