#include "torch_runtime.h"

#include "torch_compat.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

namespace tandem::agent::torch_runtime {

namespace {
QString cudaDescription(int index)
{
#if defined(TANDEM_AGENT_CUDA)
    return QStringLiteral("cuda:%1 (%2)").arg(index).arg(compat::deviceName(index));
#else
    return QStringLiteral("cuda:%1").arg(index);
#endif
}

QString whyNoCuda()
{
    if (!compat::kCudaBuild)
        return QStringLiteral("this agent's libtorch %1 was built without CUDA").arg(torchVersion());
    return QStringLiteral("libtorch %1 has CUDA, but no CUDA device is available").arg(torchVersion());
}
} // namespace

QString torchVersion()
{
    return compat::torchVersion();
}

bool cudaAvailable()
{
    return compat::kCudaBuild && torch::cuda::is_available();
}

QString cudaUnavailableReason()
{
    return cudaAvailable() ? QString() : whyNoCuda();
}

QString startupDeviceLine()
{
    if (cudaAvailable())
        return QStringLiteral("device: %1 (libtorch %2, %3 CUDA device(s))")
            .arg(cudaDescription(0), torchVersion())
            .arg(torch::cuda::device_count());
    if (!compat::kCudaBuild)
        return QStringLiteral("device: cpu (libtorch %1 built without CUDA)").arg(torchVersion());
    return QStringLiteral("device: cpu (libtorch %1 has CUDA, but no CUDA device is available)").arg(torchVersion());
}

DevicePlan planDevice(const QString &agentRequest, const QString &sessionRequest)
{
    DevicePlan plan;
    const bool agentPinned = agentRequest != QLatin1String("auto");
    const QString wanted = agentPinned ? agentRequest : sessionRequest;
    if (agentPinned && sessionRequest != QLatin1String("auto") && sessionRequest != agentRequest)
        plan.note = QStringLiteral("the session asked for %1, but the agent was started with --device %2")
                        .arg(sessionRequest, agentRequest);
    if (wanted == QLatin1String("cpu")) {
        plan.description = QStringLiteral("cpu");
        return plan;
    }
    if (cudaAvailable()) {
        plan.cuda = true;
        plan.description = cudaDescription(0);
        return plan;
    }
    plan.description = QStringLiteral("cpu");
    const QString fallback = wanted == QLatin1String("cuda")
                                 ? QStringLiteral("CUDA was requested, but %1; training on the CPU").arg(whyNoCuda())
                                 : QStringLiteral("training on the CPU: %1").arg(whyNoCuda());
    plan.note = plan.note.isEmpty() ? fallback : plan.note + QStringLiteral("; ") + fallback;
    return plan;
}

void setThreads(int threads)
{
    if (threads > 0)
        at::set_num_threads(threads);
}

} // namespace tandem::agent::torch_runtime
