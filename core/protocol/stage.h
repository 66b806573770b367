// Pipeline stages on both hosts, shared by the client, the agent and the timing reports.
#pragma once

#include <QtGlobal>

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace tandem::protocol {

enum class Host : quint8 { Client = 0, Network = 1, Agent = 2 };

enum class Stage : quint8 {
    // client
    Read = 0,
    Decode,
    Transform,
    Encode,
    CreditWait,
    Send,
    // between the hosts
    Network,
    // agent
    Receive,
    Unpack,
    QueueWait,
    HostToDevice,
    Forward,
    Backward,
    OptimizerStep,
    MetricsReturn,
};

constexpr int kStageCount = static_cast<int>(Stage::MetricsReturn) + 1;

struct StageInfo {
    Stage stage;
    std::string_view key;   // stable identifier for files: "host_to_device"
    std::string_view label; // for people: "host → device"
    Host host;
};

constexpr std::array<StageInfo, kStageCount> kStages{{
    {Stage::Read, "read", "read", Host::Client},
    {Stage::Decode, "decode", "decode", Host::Client},
    {Stage::Transform, "transform", "transform", Host::Client},
    {Stage::Encode, "encode", "encode", Host::Client},
    {Stage::CreditWait, "credit_wait", "credit wait", Host::Client},
    {Stage::Send, "send", "send", Host::Client},
    {Stage::Network, "network", "network", Host::Network},
    {Stage::Receive, "receive", "receive", Host::Agent},
    {Stage::Unpack, "unpack", "unpack", Host::Agent},
    {Stage::QueueWait, "queue_wait", "queue wait", Host::Agent},
    {Stage::HostToDevice, "host_to_device", "host to device", Host::Agent},
    {Stage::Forward, "forward", "forward", Host::Agent},
    {Stage::Backward, "backward", "backward", Host::Agent},
    {Stage::OptimizerStep, "optimizer_step", "optimiser step", Host::Agent},
    {Stage::MetricsReturn, "metrics_return", "metrics return", Host::Network},
}};

[[nodiscard]] constexpr const StageInfo &stageInfo(Stage stage)
{
    return kStages[static_cast<int>(stage)];
}

[[nodiscard]] constexpr std::optional<Stage> stageFromInt(int value)
{
    if (value < 0 || value >= kStageCount)
        return std::nullopt;
    return static_cast<Stage>(value);
}

// Each process stamps spans with its own monotonic clock; the client maps the agent's clock onto
// its own with the offset estimated over ping/pong (RFC 5905).
[[nodiscard]] inline qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace tandem::protocol
