// Pure encode/decode functions between protocol messages and WebSocket binary messages.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>
#include <vector>

namespace tandem::protocol {

// Explicit limits on everything a peer can make us allocate. Every decode checks them.
struct Limits {
    qint64 maxMessageBytes = 64LL << 20; // one decoded (possibly reassembled) message
    qint64 maxFrameBytes = 1LL << 20;    // one WebSocket message; larger ones are fragmented
    quint32 maxBatchSamples = 4096;
    quint16 maxImageSide = 4096;
    quint16 maxChannels = 4;
    quint32 maxClasses = 100000;
    int maxStringBytes = 64 * 1024;
    int maxSpans = 64;
    qint64 maxReassemblyBytes = 1LL << 30; // weights of big models travel as fragments
    int maxOpenStreams = 4;
};

enum class DecodeError {
    None = 0,
    Truncated,          // fewer bytes than the header or a field needs
    BadMagic,           // not a Tandem message at all
    UnsupportedVersion, // a Tandem message of another protocol version
    UnknownType,
    LengthMismatch, // header length disagrees with the bytes received, or trailing bytes
    Oversized,      // a limit in Limits was exceeded
    BadField,       // a value out of its range (enum, shape, sizes that do not add up)
};

[[nodiscard]] const char *decodeErrorName(DecodeError error);

struct DecodeResult {
    std::optional<Message> message;
    DecodeError error = DecodeError::None;
    QString detail;          // specific, human-readable: "batch of 5000 samples exceeds the limit of 4096"
    quint16 peerVersion = 0; // set with UnsupportedVersion

    [[nodiscard]] bool ok() const { return message.has_value(); }
};

// One encoded message, without fragmentation.
[[nodiscard]] QByteArray encode(const Message &message);

// The WebSocket messages to send for one message: one, or several Fragment messages when the
// encoded size exceeds limits.maxFrameBytes. streamId distinguishes concurrent fragment streams.
[[nodiscard]] std::vector<QByteArray> encodeFrames(const Message &message, const Limits &limits, quint32 streamId);

// Splits an already encoded message into frames (see encodeFrames).
[[nodiscard]] std::vector<QByteArray> splitFrames(const QByteArray &encoded, const Limits &limits, quint32 streamId);

[[nodiscard]] DecodeResult decode(QByteArrayView bytes, const Limits &limits = {});

// Writes the send time into an encoded Batch (kBatchSentAtOffset); false when it is no batch.
bool stampBatchSendTime(QByteArray &encodedBatch, qint64 sentAtNs);

} // namespace tandem::protocol
