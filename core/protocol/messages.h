// Message structs of the Tandem wire protocol (see PROTOCOL.md beside this file).
#pragma once

#include "common/stage.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <variant>
#include <vector>

namespace tandem::protocol {

constexpr quint32 kMagic = 0x4D444E54; // "TNDM" read as little-endian bytes
constexpr quint16 kProtocolVersion = 1;
constexpr int kHeaderBytes = 12; // magic u32, version u16, type u8, flags u8, length u32
constexpr int kNonceBytes = 32;
constexpr int kProofBytes = 32; // HMAC-SHA256

enum class MessageType : quint8 {
    Hello = 1,
    AuthProof = 2,
    SessionConfig = 3,
    SessionReady = 4,
    Credit = 5,
    Batch = 6,
    EpochEnd = 7,
    StepMetrics = 8,
    EpochMetrics = 9,
    Ping = 10,
    Pong = 11,
    Error = 12,
    Goodbye = 13,
    WeightsRequest = 14,
    Weights = 15,
    InferResult = 16,
    Fragment = 17,
};

enum class Role : quint8 { Client = 1, Agent = 2 };

// What a batch is for: train steps update the model, val batches are scored, infer batches
// return logits (used to check exported weights against another framework).
enum class Split : quint8 { Train = 0, Val = 1, Infer = 2 };

enum class ErrorCode : quint16 {
    AuthFailed = 1,
    IncompatibleVersion = 2,
    MalformedMessage = 3,
    UnexpectedMessage = 4,
    Busy = 5,
    BadConfig = 6,
    Internal = 7,
    SlowReader = 8, // the peer did not read what it was sent; its output queue passed the bound
};

struct Hello {
    quint16 minVersion = kProtocolVersion;
    quint16 maxVersion = kProtocolVersion;
    Role role = Role::Client;
    QByteArray nonce; // kNonceBytes random bytes, the peer's challenge
    QString software; // e.g. "tandem 0.1.0" or "tandem-agent 0.1.0 (libtorch 1.13.1, cpu)"
};

struct AuthProof {
    QByteArray mac; // HMAC-SHA256(secret, label | role | peer nonce | own nonce)
};

// Session configuration and the agent's answer travel as JSON (see session_config.h):
// they are rare, small and the field set grows; everything per-batch is fixed binary.
struct SessionConfigMessage {
    QByteArray json;
};

struct SessionReady {
    QByteArray json;
};

struct Credit {
    quint32 grant = 0; // additional batches the client may send
};

struct Batch {
    quint64 seq = 0;
    quint32 epoch = 0;
    Split split = Split::Train;
    quint16 channels = 0;
    quint16 height = 0;
    quint16 width = 0;
    qint64 sentAtNs = 0;             // client monotonic clock, stamped just before sending
    std::vector<qint32> labels;      // one per sample
    std::vector<quint64> contentIds; // one per sample: hash of the source file's bytes
    QByteArray pixels;               // count × height × width × channels, uint8, NHWC, RGB order

    [[nodiscard]] quint32 count() const { return static_cast<quint32>(labels.size()); }
    [[nodiscard]] qint64 sampleBytes() const { return qint64(channels) * height * width; }
};

// Byte offset of Batch::sentAtNs inside an encoded Batch message, so the sender can stamp it
// after encoding, at the moment the bytes are handed to the socket.
constexpr int kBatchSentAtOffset = kHeaderBytes + 8 + 4 + 1 + 2 + 2 + 2;

struct EpochEnd {
    quint32 epoch = 0;
    Split split = Split::Train;
    quint32 batches = 0; // how many batches of this split the client sent for the epoch
};

struct Span {
    Stage stage = Stage::Receive;
    qint64 startNs = 0; // sender's monotonic clock
    qint64 endNs = 0;
};

struct StepMetrics {
    quint64 seq = 0;
    quint32 epoch = 0;
    Split split = Split::Train;
    quint32 count = 0;
    quint32 correct = 0;
    float loss = 0.F;
    float learningRate = 0.F;
    float samplesPerSecond = 0.F;
    quint64 deviceMemoryBytes = 0;
    qint64 sentAtNs = 0; // agent clock, when the metrics were handed to the socket
    std::vector<Span> spans;
};

struct EpochMetrics {
    quint32 epoch = 0;
    Split split = Split::Train;
    quint32 samples = 0;
    quint32 correct = 0;
    float meanLoss = 0.F;
    float accuracy = 0.F;
    qint64 durationNs = 0;
};

struct Ping {
    qint64 t1 = 0; // originator's clock when sent
};

struct Pong {
    qint64 t1 = 0; // echoed from the ping
    qint64 t2 = 0; // responder's clock when the ping arrived
    qint64 t3 = 0; // responder's clock when the pong left
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;
};

struct Goodbye {
    QString reason;
};

struct WeightsRequest {};

struct Weights {
    QString format; // "torch-pickle-state-dict"
    QByteArray data;
};

struct InferResult {
    quint64 seq = 0;
    quint32 count = 0;
    quint32 classes = 0;
    std::vector<float> logits; // count × classes, row-major
};

// A slice of one larger encoded message: messages over the frame limit travel as fragments
// and are reassembled (FragmentAssembler) before decoding.
struct Fragment {
    quint32 streamId = 0;
    quint32 index = 0;
    quint32 count = 0;
    quint64 totalBytes = 0;
    QByteArray chunk;
};

using Message = std::variant<Hello, AuthProof, SessionConfigMessage, SessionReady, Credit, Batch, EpochEnd, StepMetrics,
                             EpochMetrics, Ping, Pong, Error, Goodbye, WeightsRequest, Weights, InferResult, Fragment>;

[[nodiscard]] MessageType typeOf(const Message &message);
[[nodiscard]] const char *typeName(MessageType type);
[[nodiscard]] const char *splitName(Split split);

} // namespace tandem::protocol
