// Pipeline stages on both hosts, with their names and colours: shared by the client, the agent,
// the live dashboard and the exported report. The ids are on the wire (PROTOCOL.md), hence the
// protocol namespace.
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
    // 0xRRGGBB, the one stage palette: the live dashboard and the report colour a stage alike.
    // Plain RGB so that this layer needs no Qt Gui. Neighbouring stages differ in hue; the two
    // waits are grey.
    quint32 rgb;
};

constexpr std::array<StageInfo, kStageCount> kStages{{
    {Stage::Read, "read", "read", Host::Client, 0xa6cee3},
    {Stage::Decode, "decode", "decode", Host::Client, 0x1f78b4},
    {Stage::Transform, "transform", "transform", Host::Client, 0x6fb9c9},
    {Stage::Encode, "encode", "encode", Host::Client, 0x3a4fa0},
    {Stage::CreditWait, "credit_wait", "credit wait", Host::Client, 0xd5dae0},
    {Stage::Send, "send", "send", Host::Client, 0x8da0cb},
    {Stage::Network, "network", "network", Host::Network, 0x8c6d5a},
    {Stage::Receive, "receive", "receive", Host::Agent, 0xfdd475},
    {Stage::Unpack, "unpack", "unpack", Host::Agent, 0xf59e42},
    {Stage::QueueWait, "queue_wait", "queue wait", Host::Agent, 0xe8e1d6},
    {Stage::HostToDevice, "host_to_device", "host to device", Host::Agent, 0x66a61e},
    {Stage::Forward, "forward", "forward", Host::Agent, 0xf28e2b},
    {Stage::Backward, "backward", "backward", Host::Agent, 0xd7301f},
    {Stage::OptimizerStep, "optimizer_step", "optimiser step", Host::Agent, 0x9e5aa8},
    {Stage::MetricsReturn, "metrics_return", "metrics return", Host::Network, 0xb3a39a},
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
