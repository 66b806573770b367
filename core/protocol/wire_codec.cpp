#include "wire_codec.h"

#include <QtEndian>

#include <cstring>
#include <type_traits>

namespace tandem::protocol {

namespace {

// Little-endian writer; the protocol is little-endian throughout.
class Writer {
public:
    explicit Writer(QByteArray &out) : m_out(out) {}

    template <typename T> void put(T value)
    {
        static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
        if constexpr (std::is_enum_v<T>) {
            put(static_cast<std::underlying_type_t<T>>(value));
        } else if constexpr (std::is_floating_point_v<T>) {
            static_assert(sizeof(T) == 4);
            quint32 bits;
            std::memcpy(&bits, &value, 4);
            put(bits);
        } else {
            char buffer[sizeof(T)];
            qToLittleEndian(value, buffer);
            m_out.append(buffer, sizeof(T));
        }
    }
    void bytes(QByteArrayView data) { m_out.append(data.data(), data.size()); }
    void sizedBytes(QByteArrayView data)
    {
        put(static_cast<quint32>(data.size()));
        bytes(data);
    }
    void string(const QString &text) { sizedBytes(text.toUtf8()); }

private:
    QByteArray &m_out;
};

// Bounds-checked little-endian reader. The first failure sticks: later reads return zeros and
// the decoder reports the first error only.
class Reader {
public:
    Reader(QByteArrayView data, const Limits &limits) : m_data(data), m_limits(limits) {}

    template <typename T> T get()
    {
        if constexpr (std::is_enum_v<T>) {
            return static_cast<T>(get<std::underlying_type_t<T>>());
        } else if constexpr (std::is_floating_point_v<T>) {
            const quint32 bits = get<quint32>();
            float value;
            std::memcpy(&value, &bits, 4);
            return value;
        } else {
            if (!need(sizeof(T)))
                return T{};
            const T value = qFromLittleEndian<T>(m_data.data() + m_pos);
            m_pos += sizeof(T);
            return value;
        }
    }

    QByteArray bytes(qint64 count)
    {
        if (count < 0 || !need(count))
            return {};
        QByteArray out(m_data.data() + m_pos, count);
        m_pos += count;
        return out;
    }

    QByteArray sizedBytes(qint64 limit, const char *what)
    {
        const quint32 size = get<quint32>();
        if (failed())
            return {};
        if (size > limit) {
            fail(
                DecodeError::Oversized,
                QStringLiteral("%1 of %2 bytes exceeds the limit of %3").arg(QLatin1String(what)).arg(size).arg(limit));
            return {};
        }
        return bytes(size);
    }

    QString string(const char *what) { return QString::fromUtf8(sizedBytes(m_limits.maxStringBytes, what)); }

    bool need(qint64 count)
    {
        if (failed())
            return false;
        if (m_data.size() - m_pos < count) {
            fail(DecodeError::Truncated, QStringLiteral("message ends %1 bytes early at offset %2")
                                             .arg(count - (m_data.size() - m_pos))
                                             .arg(m_pos));
            return false;
        }
        return true;
    }

    void fail(DecodeError error, QString detail)
    {
        if (failed())
            return;
        m_error = error;
        m_detail = std::move(detail);
    }

    [[nodiscard]] bool failed() const { return m_error != DecodeError::None; }
    [[nodiscard]] qint64 remaining() const { return m_data.size() - m_pos; }
    [[nodiscard]] DecodeError error() const { return m_error; }
    [[nodiscard]] const QString &detail() const { return m_detail; }
    [[nodiscard]] const Limits &limits() const { return m_limits; }

private:
    QByteArrayView m_data;
    const Limits &m_limits;
    qint64 m_pos = 0;
    DecodeError m_error = DecodeError::None;
    QString m_detail;
};

bool validSplit(Split split)
{
    return split == Split::Train || split == Split::Val || split == Split::Infer;
}

// ---- payload writers ------------------------------------------------------------------------

void write(Writer &w, const Hello &m)
{
    w.put(m.minVersion);
    w.put(m.maxVersion);
    w.put(m.role);
    w.bytes(m.nonce.leftJustified(kNonceBytes, '\0', true));
    w.string(m.software);
}
void write(Writer &w, const AuthProof &m)
{
    w.bytes(m.mac.leftJustified(kProofBytes, '\0', true));
}
void write(Writer &w, const SessionConfigMessage &m)
{
    w.sizedBytes(m.json);
}
void write(Writer &w, const SessionReady &m)
{
    w.sizedBytes(m.json);
}
void write(Writer &w, const Credit &m)
{
    w.put(m.grant);
}
void write(Writer &w, const Batch &m)
{
    // Field order up to sentAtNs is fixed by kBatchSentAtOffset.
    w.put(m.seq);
    w.put(m.epoch);
    w.put(m.split);
    w.put(m.channels);
    w.put(m.height);
    w.put(m.width);
    w.put(m.sentAtNs);
    w.put(m.count());
    for (qint32 label : m.labels)
        w.put(label);
    for (quint64 id : m.contentIds)
        w.put(id);
    w.bytes(m.pixels);
}
void write(Writer &w, const EpochEnd &m)
{
    w.put(m.epoch);
    w.put(m.split);
    w.put(m.batches);
}
void write(Writer &w, const StepMetrics &m)
{
    w.put(m.seq);
    w.put(m.epoch);
    w.put(m.split);
    w.put(m.count);
    w.put(m.correct);
    w.put(m.loss);
    w.put(m.learningRate);
    w.put(m.samplesPerSecond);
    w.put(m.deviceMemoryBytes);
    w.put(m.sentAtNs);
    w.put(static_cast<quint16>(m.spans.size()));
    for (const Span &span : m.spans) {
        w.put(span.stage);
        w.put(span.startNs);
        w.put(span.endNs);
    }
}
void write(Writer &w, const EpochMetrics &m)
{
    w.put(m.epoch);
    w.put(m.split);
    w.put(m.samples);
    w.put(m.correct);
    w.put(m.meanLoss);
    w.put(m.accuracy);
    w.put(m.durationNs);
}
void write(Writer &w, const Ping &m)
{
    w.put(m.t1);
}
void write(Writer &w, const Pong &m)
{
    w.put(m.t1);
    w.put(m.t2);
    w.put(m.t3);
}
void write(Writer &w, const Error &m)
{
    w.put(m.code);
    w.string(m.message);
}
void write(Writer &w, const Goodbye &m)
{
    w.string(m.reason);
}
void write(Writer &, const WeightsRequest &) {}
void write(Writer &w, const Weights &m)
{
    w.string(m.format);
    w.sizedBytes(m.data);
}
void write(Writer &w, const InferResult &m)
{
    w.put(m.seq);
    w.put(m.count);
    w.put(m.classes);
    for (float value : m.logits)
        w.put(value);
}
void write(Writer &w, const Fragment &m)
{
    w.put(m.streamId);
    w.put(m.index);
    w.put(m.count);
    w.put(m.totalBytes);
    w.sizedBytes(m.chunk);
}

// ---- payload readers ------------------------------------------------------------------------

std::optional<Message> readHello(Reader &r)
{
    Hello m;
    m.minVersion = r.get<quint16>();
    m.maxVersion = r.get<quint16>();
    m.role = r.get<Role>();
    m.nonce = r.bytes(kNonceBytes);
    m.software = r.string("software name");
    if (!r.failed() && m.role != Role::Client && m.role != Role::Agent)
        r.fail(DecodeError::BadField, QStringLiteral("unknown role %1").arg(int(m.role)));
    if (!r.failed() && m.minVersion > m.maxVersion)
        r.fail(DecodeError::BadField,
               QStringLiteral("version range %1..%2 is empty").arg(m.minVersion).arg(m.maxVersion));
    return m;
}

std::optional<Message> readAuthProof(Reader &r)
{
    return AuthProof{r.bytes(kProofBytes)};
}

std::optional<Message> readJson(Reader &r, MessageType type)
{
    QByteArray json = r.sizedBytes(r.limits().maxStringBytes, "JSON document");
    if (type == MessageType::SessionConfig)
        return SessionConfigMessage{json};
    return SessionReady{json};
}

std::optional<Message> readCredit(Reader &r)
{
    Credit m{r.get<quint32>()};
    if (!r.failed() && m.grant > 1'000'000)
        r.fail(DecodeError::BadField, QStringLiteral("credit grant of %1 is implausible").arg(m.grant));
    return m;
}

std::optional<Message> readBatch(Reader &r)
{
    const Limits &limits = r.limits();
    Batch m;
    m.seq = r.get<quint64>();
    m.epoch = r.get<quint32>();
    m.split = r.get<Split>();
    m.channels = r.get<quint16>();
    m.height = r.get<quint16>();
    m.width = r.get<quint16>();
    m.sentAtNs = r.get<qint64>();
    const quint32 count = r.get<quint32>();
    if (r.failed())
        return m;
    if (!validSplit(m.split))
        r.fail(DecodeError::BadField, QStringLiteral("unknown split %1").arg(int(m.split)));
    else if (count == 0)
        r.fail(DecodeError::BadField, QStringLiteral("batch %1 holds no samples").arg(m.seq));
    else if (count > limits.maxBatchSamples)
        r.fail(DecodeError::Oversized,
               QStringLiteral("batch of %1 samples exceeds the limit of %2").arg(count).arg(limits.maxBatchSamples));
    else if (m.channels == 0 || m.channels > limits.maxChannels || m.height == 0 || m.width == 0 ||
             m.height > limits.maxImageSide || m.width > limits.maxImageSide)
        r.fail(DecodeError::BadField,
               QStringLiteral("sample shape %1×%2×%3 is out of range").arg(m.height).arg(m.width).arg(m.channels));
    if (r.failed())
        return m;
    const qint64 pixelBytes = qint64(count) * m.sampleBytes();
    if (pixelBytes != r.remaining() - qint64(count) * 12) {
        r.fail(DecodeError::LengthMismatch,
               QStringLiteral("batch of %1 samples of %2×%3×%4 needs %5 pixel bytes, message has %6")
                   .arg(count)
                   .arg(m.height)
                   .arg(m.width)
                   .arg(m.channels)
                   .arg(pixelBytes)
                   .arg(r.remaining() - qint64(count) * 12));
        return m;
    }
    m.labels.resize(count);
    for (qint32 &label : m.labels)
        label = r.get<qint32>();
    m.contentIds.resize(count);
    for (quint64 &id : m.contentIds)
        id = r.get<quint64>();
    m.pixels = r.bytes(pixelBytes);
    return m;
}

std::optional<Message> readEpochEnd(Reader &r)
{
    EpochEnd m;
    m.epoch = r.get<quint32>();
    m.split = r.get<Split>();
    m.batches = r.get<quint32>();
    if (!r.failed() && !validSplit(m.split))
        r.fail(DecodeError::BadField, QStringLiteral("unknown split %1").arg(int(m.split)));
    return m;
}

std::optional<Message> readStepMetrics(Reader &r)
{
    StepMetrics m;
    m.seq = r.get<quint64>();
    m.epoch = r.get<quint32>();
    m.split = r.get<Split>();
    m.count = r.get<quint32>();
    m.correct = r.get<quint32>();
    m.loss = r.get<float>();
    m.learningRate = r.get<float>();
    m.samplesPerSecond = r.get<float>();
    m.deviceMemoryBytes = r.get<quint64>();
    m.sentAtNs = r.get<qint64>();
    const quint16 spans = r.get<quint16>();
    if (r.failed())
        return m;
    if (!validSplit(m.split))
        r.fail(DecodeError::BadField, QStringLiteral("unknown split %1").arg(int(m.split)));
    else if (m.correct > m.count)
        r.fail(DecodeError::BadField, QStringLiteral("%1 correct out of %2 samples").arg(m.correct).arg(m.count));
    else if (spans > r.limits().maxSpans)
        r.fail(DecodeError::Oversized,
               QStringLiteral("%1 spans exceed the limit of %2").arg(spans).arg(r.limits().maxSpans));
    for (int i = 0; i < spans && !r.failed(); ++i) {
        const quint8 stage = r.get<quint8>();
        Span span;
        span.startNs = r.get<qint64>();
        span.endNs = r.get<qint64>();
        const auto known = stageFromInt(stage);
        if (!r.failed() && !known)
            r.fail(DecodeError::BadField, QStringLiteral("unknown stage %1").arg(stage));
        else if (!r.failed() && span.endNs < span.startNs)
            r.fail(DecodeError::BadField, QStringLiteral("span of stage %1 ends before it starts").arg(stage));
        if (known)
            span.stage = *known;
        m.spans.push_back(span);
    }
    return m;
}

std::optional<Message> readEpochMetrics(Reader &r)
{
    EpochMetrics m;
    m.epoch = r.get<quint32>();
    m.split = r.get<Split>();
    m.samples = r.get<quint32>();
    m.correct = r.get<quint32>();
    m.meanLoss = r.get<float>();
    m.accuracy = r.get<float>();
    m.durationNs = r.get<qint64>();
    if (!r.failed() && !validSplit(m.split))
        r.fail(DecodeError::BadField, QStringLiteral("unknown split %1").arg(int(m.split)));
    return m;
}

std::optional<Message> readPing(Reader &r)
{
    return Ping{r.get<qint64>()};
}

std::optional<Message> readPong(Reader &r)
{
    Pong m;
    m.t1 = r.get<qint64>();
    m.t2 = r.get<qint64>();
    m.t3 = r.get<qint64>();
    return m;
}

std::optional<Message> readError(Reader &r)
{
    Error m;
    m.code = r.get<ErrorCode>();
    m.message = r.string("error text");
    return m;
}

std::optional<Message> readGoodbye(Reader &r)
{
    return Goodbye{r.string("goodbye reason")};
}

std::optional<Message> readWeights(Reader &r)
{
    Weights m;
    m.format = r.string("weights format");
    m.data = r.sizedBytes(r.limits().maxReassemblyBytes, "weights");
    return m;
}

std::optional<Message> readInferResult(Reader &r)
{
    InferResult m;
    m.seq = r.get<quint64>();
    m.count = r.get<quint32>();
    m.classes = r.get<quint32>();
    if (r.failed())
        return m;
    if (m.count > r.limits().maxBatchSamples || m.classes > r.limits().maxClasses) {
        r.fail(DecodeError::Oversized, QStringLiteral("%1 × %2 logits exceed the limits").arg(m.count).arg(m.classes));
        return m;
    }
    if (qint64(m.count) * m.classes * 4 != r.remaining()) {
        r.fail(DecodeError::LengthMismatch, QStringLiteral("%1 × %2 logits need %3 bytes, message has %4")
                                                .arg(m.count)
                                                .arg(m.classes)
                                                .arg(qint64(m.count) * m.classes * 4)
                                                .arg(r.remaining()));
        return m;
    }
    m.logits.resize(size_t(m.count) * m.classes);
    for (float &value : m.logits)
        value = r.get<float>();
    return m;
}

std::optional<Message> readFragment(Reader &r)
{
    const Limits &limits = r.limits();
    Fragment m;
    m.streamId = r.get<quint32>();
    m.index = r.get<quint32>();
    m.count = r.get<quint32>();
    m.totalBytes = r.get<quint64>();
    if (r.failed())
        return m;
    if (m.count < 2 || m.index >= m.count)
        r.fail(DecodeError::BadField, QStringLiteral("fragment %1 of %2 is out of range").arg(m.index).arg(m.count));
    else if (m.totalBytes > quint64(limits.maxReassemblyBytes))
        r.fail(DecodeError::Oversized, QStringLiteral("fragmented message of %1 bytes exceeds the limit of %2")
                                           .arg(m.totalBytes)
                                           .arg(limits.maxReassemblyBytes));
    m.chunk = r.sizedBytes(limits.maxFrameBytes, "fragment chunk");
    return m;
}

} // namespace

MessageType typeOf(const Message &message)
{
    // The variant's alternatives are listed in MessageType order, starting at 1.
    return static_cast<MessageType>(message.index() + 1);
}

const char *typeName(MessageType type)
{
    switch (type) {
    case MessageType::Hello: return "Hello";
    case MessageType::AuthProof: return "AuthProof";
    case MessageType::SessionConfig: return "SessionConfig";
    case MessageType::SessionReady: return "SessionReady";
    case MessageType::Credit: return "Credit";
    case MessageType::Batch: return "Batch";
    case MessageType::EpochEnd: return "EpochEnd";
    case MessageType::StepMetrics: return "StepMetrics";
    case MessageType::EpochMetrics: return "EpochMetrics";
    case MessageType::Ping: return "Ping";
    case MessageType::Pong: return "Pong";
    case MessageType::Error: return "Error";
    case MessageType::Goodbye: return "Goodbye";
    case MessageType::WeightsRequest: return "WeightsRequest";
    case MessageType::Weights: return "Weights";
    case MessageType::InferResult: return "InferResult";
    case MessageType::Fragment: return "Fragment";
    }
    return "unknown";
}

const char *splitName(Split split)
{
    switch (split) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Infer: return "infer";
    }
    return "unknown";
}

const char *decodeErrorName(DecodeError error)
{
    switch (error) {
    case DecodeError::None: return "none";
    case DecodeError::Truncated: return "truncated";
    case DecodeError::BadMagic: return "bad magic";
    case DecodeError::UnsupportedVersion: return "unsupported version";
    case DecodeError::UnknownType: return "unknown type";
    case DecodeError::LengthMismatch: return "length mismatch";
    case DecodeError::Oversized: return "oversized";
    case DecodeError::BadField: return "bad field";
    }
    return "unknown";
}

QByteArray encode(const Message &message)
{
    QByteArray out;
    if (const auto *batch = std::get_if<Batch>(&message))
        out.reserve(kHeaderBytes + 64 + int(batch->labels.size()) * 12 + batch->pixels.size());
    Writer w(out);
    w.put(kMagic);
    w.put(kProtocolVersion);
    w.put(typeOf(message));
    w.put(quint8(0));  // flags, reserved
    w.put(quint32(0)); // payload length, patched below
    std::visit([&w](const auto &m) { write(w, m); }, message);
    qToLittleEndian(quint32(out.size() - kHeaderBytes), out.data() + 8);
    return out;
}

std::vector<QByteArray> splitFrames(const QByteArray &encoded, const Limits &limits, quint32 streamId)
{
    if (encoded.size() <= limits.maxFrameBytes)
        return {encoded};
    // Leave room for the fragment's own header and fields inside the frame limit.
    const qint64 chunkBytes = limits.maxFrameBytes - kHeaderBytes - 24;
    const quint32 count = quint32((encoded.size() + chunkBytes - 1) / chunkBytes);
    std::vector<QByteArray> frames;
    frames.reserve(count);
    for (quint32 i = 0; i < count; ++i) {
        Fragment fragment;
        fragment.streamId = streamId;
        fragment.index = i;
        fragment.count = count;
        fragment.totalBytes = quint64(encoded.size());
        fragment.chunk = encoded.mid(qsizetype(i * chunkBytes), qsizetype(chunkBytes));
        frames.push_back(encode(fragment));
    }
    return frames;
}

std::vector<QByteArray> encodeFrames(const Message &message, const Limits &limits, quint32 streamId)
{
    return splitFrames(encode(message), limits, streamId);
}

DecodeResult decode(QByteArrayView bytes, const Limits &limits)
{
    DecodeResult result;
    auto failWith = [&result](DecodeError error, QString detail) {
        result.error = error;
        result.detail = std::move(detail);
        return result;
    };
    if (bytes.size() < kHeaderBytes)
        return failWith(
            DecodeError::Truncated,
            QStringLiteral("%1 bytes is shorter than the %2-byte header").arg(bytes.size()).arg(kHeaderBytes));
    const auto magic = qFromLittleEndian<quint32>(bytes.data());
    if (magic != kMagic)
        return failWith(DecodeError::BadMagic,
                        QStringLiteral("not a Tandem message (magic %1)").arg(magic, 8, 16, QLatin1Char('0')));
    const auto version = qFromLittleEndian<quint16>(bytes.data() + 4);
    if (version != kProtocolVersion) {
        result.peerVersion = version;
        return failWith(
            DecodeError::UnsupportedVersion,
            QStringLiteral("peer speaks protocol version %1, this build speaks %2").arg(version).arg(kProtocolVersion));
    }
    const auto rawType = quint8(bytes[6]);
    if (rawType < quint8(MessageType::Hello) || rawType > quint8(MessageType::Fragment))
        return failWith(DecodeError::UnknownType, QStringLiteral("unknown message type %1").arg(rawType));
    const auto type = static_cast<MessageType>(rawType);
    const auto length = qFromLittleEndian<quint32>(bytes.data() + 8);
    if (qint64(length) > limits.maxMessageBytes && type != MessageType::Weights)
        return failWith(DecodeError::Oversized, QStringLiteral("%1 of %2 bytes exceeds the limit of %3")
                                                    .arg(QLatin1String(typeName(type)))
                                                    .arg(length)
                                                    .arg(limits.maxMessageBytes));
    if (qint64(length) != bytes.size() - kHeaderBytes)
        return failWith(DecodeError::LengthMismatch, QStringLiteral("header announces %1 payload bytes, %2 arrived")
                                                         .arg(length)
                                                         .arg(bytes.size() - kHeaderBytes));

    Reader r(bytes.sliced(kHeaderBytes), limits);
    std::optional<Message> message;
    switch (type) {
    case MessageType::Hello: message = readHello(r); break;
    case MessageType::AuthProof: message = readAuthProof(r); break;
    case MessageType::SessionConfig:
    case MessageType::SessionReady: message = readJson(r, type); break;
    case MessageType::Credit: message = readCredit(r); break;
    case MessageType::Batch: message = readBatch(r); break;
    case MessageType::EpochEnd: message = readEpochEnd(r); break;
    case MessageType::StepMetrics: message = readStepMetrics(r); break;
    case MessageType::EpochMetrics: message = readEpochMetrics(r); break;
    case MessageType::Ping: message = readPing(r); break;
    case MessageType::Pong: message = readPong(r); break;
    case MessageType::Error: message = readError(r); break;
    case MessageType::Goodbye: message = readGoodbye(r); break;
    case MessageType::WeightsRequest: message = WeightsRequest{}; break;
    case MessageType::Weights: message = readWeights(r); break;
    case MessageType::InferResult: message = readInferResult(r); break;
    case MessageType::Fragment: message = readFragment(r); break;
    }
    if (r.failed())
        return failWith(r.error(), QStringLiteral("%1: %2").arg(QLatin1String(typeName(type)), r.detail()));
    if (r.remaining() != 0)
        return failWith(
            DecodeError::LengthMismatch,
            QStringLiteral("%1: %2 unexpected trailing bytes").arg(QLatin1String(typeName(type))).arg(r.remaining()));
    result.message = std::move(message);
    return result;
}

bool stampBatchSendTime(QByteArray &encodedBatch, qint64 sentAtNs)
{
    if (encodedBatch.size() < kBatchSentAtOffset + 8 || quint8(encodedBatch[6]) != quint8(MessageType::Batch))
        return false;
    qToLittleEndian(sentAtNs, encodedBatch.data() + kBatchSentAtOffset);
    return true;
}

} // namespace tandem::protocol
