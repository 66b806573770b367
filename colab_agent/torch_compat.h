// The one place for libtorch calls that differ between versions (Debian 1.13 CPU, Colab's pip 2.x
// with CUDA) or that exist only in CUDA builds. Included by the agent's libtorch sources only.
#pragma once

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <ATen/core/Dict.h>
#include <c10/core/ScalarType.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/version.h>

#include <QString>
#include <QtGlobal>

#include <memory>
#include <string>
#include <vector>

#if defined(TANDEM_AGENT_CUDA)
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

// The C++ autocast API took a device argument in 2.4 (set_autocast_enabled(device, on),
// set_autocast_dtype(device, dtype)); 1.13 to 2.3 have set_enabled / set_autocast_gpu_dtype.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TANDEM_TORCH_DEVICE_AUTOCAST_API 1
#else
#define TANDEM_TORCH_DEVICE_AUTOCAST_API 0
#endif

namespace tandem::agent::compat {

// Whether this build of the agent has the CUDA code path (libtorch was built with CUDA).
#if defined(TANDEM_AGENT_CUDA)
constexpr bool kCudaBuild = true;
#else
constexpr bool kCudaBuild = false;
#endif

[[nodiscard]] inline QString torchVersion()
{
    return QStringLiteral("%1.%2.%3").arg(TORCH_VERSION_MAJOR).arg(TORCH_VERSION_MINOR).arg(TORCH_VERSION_PATCH);
}

// bf16 autocast for CUDA ops while in scope (thread-local, like Python's torch.autocast).
// bf16 needs no gradient scaler, which C++ does not have anyway.
class CudaBf16Autocast {
public:
    explicit CudaBf16Autocast(bool enabled) : m_enabled(enabled)
    {
        if (!m_enabled)
            return;
#if TANDEM_TORCH_DEVICE_AUTOCAST_API
        m_wasEnabled = at::autocast::is_autocast_enabled(at::kCUDA);
        m_previousType = at::autocast::get_autocast_dtype(at::kCUDA);
        at::autocast::set_autocast_enabled(at::kCUDA, true);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
#else
        m_wasEnabled = at::autocast::is_enabled();
        m_previousType = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
#endif
        at::autocast::increment_nesting();
    }
    ~CudaBf16Autocast()
    {
        if (!m_enabled)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache(); // drop the casted weights held for this region
#if TANDEM_TORCH_DEVICE_AUTOCAST_API
        at::autocast::set_autocast_enabled(at::kCUDA, m_wasEnabled);
        at::autocast::set_autocast_dtype(at::kCUDA, m_previousType);
#else
        at::autocast::set_enabled(m_wasEnabled);
        at::autocast::set_autocast_gpu_dtype(m_previousType);
#endif
    }
    CudaBf16Autocast(const CudaBf16Autocast &) = delete;
    CudaBf16Autocast &operator=(const CudaBf16Autocast &) = delete;

private:
    bool m_enabled = false;
    bool m_wasEnabled = false;
    at::ScalarType m_previousType = at::kBFloat16;
};

inline void setCudnnBenchmark(bool on)
{
    at::globalContext().setBenchmarkCuDNN(on);
}

// torch.save's zip format holding a plain dict of tensors, as torch::pickle_save writes it but
// without pickle_save's type tag around the dict (torch.jit._pickle.restore_type_tag), which
// torch.load(weights_only=True), the default since torch 2.6, refuses. Tensors must be on the CPU.
[[nodiscard]] inline std::vector<char> pickleTensorDict(const c10::Dict<std::string, at::Tensor> &dict)
{
    std::vector<char> pickle;
    torch::jit::Pickler pickler(
        [&pickle](const char *bytes, size_t size) { pickle.insert(pickle.end(), bytes, bytes + size); },
        /*tensor_table=*/nullptr, /*type_renamer=*/nullptr, /*memoized_class_types=*/nullptr,
        /*get_tensor_id=*/nullptr, /*tag_aggregates=*/false);
    pickler.protocol();
    pickler.pushIValue(c10::IValue(dict));
    pickler.stop();

    std::vector<char> archive;
    archive.reserve(pickle.size());
    caffe2::serialize::PyTorchStreamWriter writer([&archive](const void *data, size_t size) {
        const char *bytes = static_cast<const char *>(data);
        archive.insert(archive.end(), bytes, bytes + size);
        return size;
    });
    torch::jit::writeArchiveAndTensors("data", pickle.data(), pickle.size(), pickler.tensorData(), writer);
    writer.writeEndOfFile();
    return archive;
}

#if defined(TANDEM_AGENT_CUDA)

using CudaStream = c10::cuda::CUDAStream;
using CudaStreamGuard = c10::cuda::CUDAStreamGuard;

[[nodiscard]] inline CudaStream currentStream(int device)
{
    return c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device));
}

// A stream of the pool, for host-to-device copies that overlap the compute stream.
[[nodiscard]] inline CudaStream sideStream(int device)
{
    return c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device));
}

// An event that records time (ATen's default flags disable timing).
class TimingEvent {
public:
    TimingEvent() : m_event(std::make_unique<at::cuda::CUDAEvent>(cudaEventDefault)) {}
    void record(const CudaStream &stream) { m_event->record(stream); }
    // Makes later work on `stream` wait for this event.
    void block(const CudaStream &stream) { m_event->block(stream); }
    void synchronize() const { m_event->synchronize(); }
    // Milliseconds from this event to `later`; both must have completed.
    [[nodiscard]] double millisecondsTo(const TimingEvent &later) const
    {
        return m_event->elapsed_time(*later.m_event);
    }

private:
    std::unique_ptr<at::cuda::CUDAEvent> m_event;
};

// Bytes the caching allocator holds on the device (what the process takes from the GPU).
[[nodiscard]] inline quint64 reservedBytes(int device)
{
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
    return quint64(stats.reserved_bytes[0].current); // index 0: StatType::AGGREGATE in every version
}

[[nodiscard]] inline QString deviceName(int device)
{
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, device) != cudaSuccess)
        return QStringLiteral("unknown CUDA device");
    return QStringLiteral("%1, %2 GiB")
        .arg(QString::fromLatin1(properties.name))
        .arg(double(properties.totalGlobalMem) / double(1ULL << 30), 0, 'f', 0);
}

#endif // TANDEM_AGENT_CUDA

} // namespace tandem::agent::compat
