// What libtorch offers this process (version, CUDA devices) and the device a session trains on.
// libtorch stays out of this header so that the network side can include it.
#pragma once

#include <QString>

namespace tandem::agent {

// The device a session trains on, resolved from the agent's --device and the client's request.
struct DevicePlan {
    bool cuda = false;
    int index = 0;
    QString description; // "cpu" or "cuda:0 (NVIDIA H100 80GB HBM3, 80 GiB)"
    QString note;        // why the agent chose differently from what was asked, if it did
};

namespace torch_runtime {

[[nodiscard]] QString torchVersion();
[[nodiscard]] bool cudaAvailable();
// Why CUDA cannot be used ("this agent's libtorch 1.13.0 was built without CUDA"); empty if it can.
[[nodiscard]] QString cudaUnavailableReason();

// One line for people at start-up: "device: cpu (libtorch 1.13.0 built without CUDA)".
[[nodiscard]] QString startupDeviceLine();

// agentRequest: --device (auto|cpu|cuda); sessionRequest: SessionConfig::device (auto|cpu|cuda).
// The agent's own setting wins over the client's; cuda falls back to the CPU with a note.
[[nodiscard]] DevicePlan planDevice(const QString &agentRequest, const QString &sessionRequest);

// Intra-op threads for libtorch on the calling thread and its pools (call on every trainer thread).
void setThreads(int threads);

} // namespace torch_runtime
} // namespace tandem::agent
