// Tests of core/protocol/wire_codec: round trips, the byte layout, fragmentation and malformed input.
#include "fragment_assembler.h"
#include "session_config.h"
#include "wire_codec.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QtEndian>

#include <cstring>
#include <limits>
#include <optional>

namespace tandem::protocol {
// Readable names in QCOMPARE failure output (found by argument-dependent lookup).
char *toString(DecodeError error)
{
    return qstrdup(decodeErrorName(error));
}
char *toString(MessageType type)
{
    return qstrdup(typeName(type));
}
} // namespace tandem::protocol

using namespace tandem::protocol;

namespace {

// Wraps a message for a data column: the wrapper's metatype belongs to this test alone.
struct MessageCase {
    Message message;
};

// Little-endian bytes built without the codec, so the tests pin the documented wire layout.
class Bytes {
public:
    Bytes &u8(quint8 v) { return le(v); }
    Bytes &u16(quint16 v) { return le(v); }
    Bytes &u32(quint32 v) { return le(v); }
    Bytes &u64(quint64 v) { return le(v); }
    Bytes &i32(qint32 v) { return le(v); }
    Bytes &i64(qint64 v) { return le(v); }
    Bytes &f32(float v)
    {
        quint32 bits;
        std::memcpy(&bits, &v, 4);
        return le(bits);
    }
    Bytes &raw(const QByteArray &bytes)
    {
        m_data.append(bytes);
        return *this;
    }
    Bytes &sized(const QByteArray &bytes) { return u32(quint32(bytes.size())).raw(bytes); }
    [[nodiscard]] QByteArray data() const { return m_data; }
    [[nodiscard]] operator QByteArray() const { return m_data; }

private:
    template <typename T> Bytes &le(T value)
    {
        const auto bits = static_cast<std::make_unsigned_t<T>>(value);
        for (size_t i = 0; i < sizeof(T); ++i)
            m_data.append(char((quint64(bits) >> (8 * i)) & 0xFF));
        return *this;
    }
    QByteArray m_data;
};

// A whole message: the 12-byte header and the payload; length defaults to the payload's size.
QByteArray frame(quint8 type, const QByteArray &payload, quint16 version = kProtocolVersion,
                 std::optional<quint32> length = std::nullopt)
{
    return Bytes().raw("TNDM").u16(version).u8(type).u8(0).u32(length.value_or(quint32(payload.size()))).raw(payload);
}
QByteArray frame(MessageType type, const QByteArray &payload)
{
    return frame(quint8(type), payload);
}

QByteArray pattern(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

Batch makeBatch(quint32 count, quint16 channels, quint16 height, quint16 width, Split split, quint32 seed)
{
    Batch batch;
    batch.seq = 0x0123456789ABCDEFULL + seed;
    batch.epoch = 3;
    batch.split = split;
    batch.channels = channels;
    batch.height = height;
    batch.width = width;
    batch.sentAtNs = 1'234'567'890'123;
    for (quint32 i = 0; i < count; ++i) {
        batch.labels.push_back(qint32(i * 7 % 1000) - (i == 1 ? 2000 : 0)); // one negative label
        batch.contentIds.push_back(0xFEDCBA9876543210ULL ^ (quint64(i) << 17));
    }
    batch.pixels = pattern(qsizetype(count) * batch.sampleBytes(), seed);
    return batch;
}

StepMetrics makeStepMetrics(int spanCount)
{
    StepMetrics m;
    m.seq = 41;
    m.epoch = 2;
    m.split = Split::Train;
    m.count = 64;
    m.correct = 57;
    m.loss = 0.8125F;
    m.learningRate = 0.05F;
    m.samplesPerSecond = 1234.5F;
    m.deviceMemoryBytes = 7ULL << 30;
    m.sentAtNs = 99'000'000'017;
    for (int i = 0; i < spanCount; ++i)
        m.spans.push_back(Span{kStages[size_t(i % kStageCount)].stage, 1'000'000LL * i, 1'000'000LL * i + 250 * i});
    return m;
}

// Every message type, with a large Batch and Weights when `large`.
std::vector<std::pair<const char *, Message>> samples(bool large)
{
    Hello hello;
    hello.minVersion = 1;
    hello.maxVersion = 1;
    hello.role = Role::Agent;
    hello.nonce = pattern(kNonceBytes, 1);
    hello.software = QStringLiteral("tandem-agent 0.1.0 (libtorch 1.13.1, cuda) — größe");

    SessionConfig config;
    config.classNames = QStringList{QStringLiteral("cat"), QStringLiteral("dog")};
    SessionInfo info;
    info.device = QStringLiteral("cpu");
    info.model = QStringLiteral("cnn");
    info.credits = 8;

    InferResult infer;
    infer.seq = 12;
    infer.count = 3;
    infer.classes = 4;
    infer.logits = {-1.5F, 0.F, 2.25F, 1e-30F, 3.4e38F, -0.F, std::numeric_limits<float>::infinity(),
                    7.F,   8.F, 9.F,   -10.F,  11.5F};

    Fragment fragment;
    fragment.streamId = 5;
    fragment.index = 1;
    fragment.count = 3;
    fragment.totalBytes = 1000;
    fragment.chunk = pattern(333, 2);

    std::vector<std::pair<const char *, Message>> out{
        {"Hello", hello},
        {"AuthProof", AuthProof{pattern(kProofBytes, 3)}},
        {"SessionConfig", SessionConfigMessage{config.toJson()}},
        {"SessionReady", SessionReady{info.toJson()}},
        {"Credit", Credit{7}},
        {"Batch small gray infer", makeBatch(2, 1, 8, 6, Split::Infer, 4)},
        {"EpochEnd", EpochEnd{2, Split::Val, 17}},
        {"StepMetrics with spans", makeStepMetrics(kStageCount)},
        {"StepMetrics without spans", makeStepMetrics(0)},
        {"EpochMetrics", EpochMetrics{4, Split::Val, 10000, 9123, 0.3125F, 0.9123F, 12'345'678'901}},
        {"Ping", Ping{-5}},
        {"Pong", Pong{111, 222, 333}},
        {"Error", Error{ErrorCode::BadConfig, QStringLiteral("unknown model \"vgg\"")}},
        {"Goodbye", Goodbye{QStringLiteral("training finished")}},
        {"Goodbye empty", Goodbye{}},
        {"WeightsRequest", WeightsRequest{}},
        {"Weights small", Weights{QStringLiteral("torch-pickle-state-dict"), pattern(1000, 5)}},
        {"InferResult", infer},
        {"Fragment", fragment},
    };
    if (large) {
        out.emplace_back("Batch 64x224x224x3", makeBatch(64, 3, 224, 224, Split::Train, 6));
        out.emplace_back("Weights 3 MiB", Weights{QStringLiteral("torch-pickle-state-dict"), pattern(3 << 20, 7)});
    }
    return out;
}

// ---- field-by-field comparison ----------------------------------------------------------------

template <typename T> bool same(const T &a, const T &b)
{
    return a == b;
}
bool same(float a, float b)
{
    return std::memcmp(&a, &b, 4) == 0;
} // bit-exact, -0 and inf included
bool same(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}
bool same(const std::vector<Span> &a, const std::vector<Span> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].stage != b[i].stage || a[i].startNs != b[i].startNs || a[i].endNs != b[i].endNs)
            return false;
    }
    return true;
}

#define TANDEM_FIELD(f)                                                                                                \
    if (!same(a.f, b.f))                                                                                               \
    out << QStringLiteral(#f)

QStringList fieldDiff(const Hello &a, const Hello &b)
{
    QStringList out;
    TANDEM_FIELD(minVersion);
    TANDEM_FIELD(maxVersion);
    TANDEM_FIELD(role);
    TANDEM_FIELD(nonce);
    TANDEM_FIELD(software);
    return out;
}
QStringList fieldDiff(const AuthProof &a, const AuthProof &b)
{
    QStringList out;
    TANDEM_FIELD(mac);
    return out;
}
QStringList fieldDiff(const SessionConfigMessage &a, const SessionConfigMessage &b)
{
    QStringList out;
    TANDEM_FIELD(json);
    return out;
}
QStringList fieldDiff(const SessionReady &a, const SessionReady &b)
{
    QStringList out;
    TANDEM_FIELD(json);
    return out;
}
QStringList fieldDiff(const Credit &a, const Credit &b)
{
    QStringList out;
    TANDEM_FIELD(grant);
    return out;
}
QStringList fieldDiff(const Batch &a, const Batch &b)
{
    QStringList out;
    TANDEM_FIELD(seq);
    TANDEM_FIELD(epoch);
    TANDEM_FIELD(split);
    TANDEM_FIELD(channels);
    TANDEM_FIELD(height);
    TANDEM_FIELD(width);
    TANDEM_FIELD(sentAtNs);
    TANDEM_FIELD(labels);
    TANDEM_FIELD(contentIds);
    TANDEM_FIELD(pixels);
    return out;
}
QStringList fieldDiff(const EpochEnd &a, const EpochEnd &b)
{
    QStringList out;
    TANDEM_FIELD(epoch);
    TANDEM_FIELD(split);
    TANDEM_FIELD(batches);
    return out;
}
QStringList fieldDiff(const StepMetrics &a, const StepMetrics &b)
{
    QStringList out;
    TANDEM_FIELD(seq);
    TANDEM_FIELD(epoch);
    TANDEM_FIELD(split);
    TANDEM_FIELD(count);
    TANDEM_FIELD(correct);
    TANDEM_FIELD(loss);
    TANDEM_FIELD(learningRate);
    TANDEM_FIELD(samplesPerSecond);
    TANDEM_FIELD(deviceMemoryBytes);
    TANDEM_FIELD(sentAtNs);
    TANDEM_FIELD(spans);
    return out;
}
QStringList fieldDiff(const EpochMetrics &a, const EpochMetrics &b)
{
    QStringList out;
    TANDEM_FIELD(epoch);
    TANDEM_FIELD(split);
    TANDEM_FIELD(samples);
    TANDEM_FIELD(correct);
    TANDEM_FIELD(meanLoss);
    TANDEM_FIELD(accuracy);
    TANDEM_FIELD(durationNs);
    return out;
}
QStringList fieldDiff(const Ping &a, const Ping &b)
{
    QStringList out;
    TANDEM_FIELD(t1);
    return out;
}
QStringList fieldDiff(const Pong &a, const Pong &b)
{
    QStringList out;
    TANDEM_FIELD(t1);
    TANDEM_FIELD(t2);
    TANDEM_FIELD(t3);
    return out;
}
QStringList fieldDiff(const Error &a, const Error &b)
{
    QStringList out;
    TANDEM_FIELD(code);
    TANDEM_FIELD(message);
    return out;
}
QStringList fieldDiff(const Goodbye &a, const Goodbye &b)
{
    QStringList out;
    TANDEM_FIELD(reason);
    return out;
}
QStringList fieldDiff(const WeightsRequest &, const WeightsRequest &)
{
    return {};
}
QStringList fieldDiff(const Weights &a, const Weights &b)
{
    QStringList out;
    TANDEM_FIELD(format);
    TANDEM_FIELD(data);
    return out;
}
QStringList fieldDiff(const InferResult &a, const InferResult &b)
{
    QStringList out;
    TANDEM_FIELD(seq);
    TANDEM_FIELD(count);
    TANDEM_FIELD(classes);
    TANDEM_FIELD(logits);
    return out;
}
QStringList fieldDiff(const Fragment &a, const Fragment &b)
{
    QStringList out;
    TANDEM_FIELD(streamId);
    TANDEM_FIELD(index);
    TANDEM_FIELD(count);
    TANDEM_FIELD(totalBytes);
    TANDEM_FIELD(chunk);
    return out;
}
#undef TANDEM_FIELD

// Empty when equal, else which fields differ.
QString differences(const Message &a, const Message &b)
{
    if (a.index() != b.index())
        return QStringLiteral("type %1 vs %2")
            .arg(QLatin1String(typeName(typeOf(a))), QLatin1String(typeName(typeOf(b))));
    return std::visit(
        [&b](const auto &x) {
            using T = std::decay_t<decltype(x)>;
            return fieldDiff(x, std::get<T>(b)).join(QStringLiteral(", "));
        },
        a);
}

} // namespace

Q_DECLARE_METATYPE(MessageCase)

class TestWireCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyTypeHasASample();
    void roundTrip_data();
    void roundTrip();
    void layout_data();
    void layout();
    void splitFrames_data();
    void splitFrames();
    void realSizedBatchTravelsAsFragments();
    void stampBatchSendTime();
    void stampRejectsOtherBytes();
    void malformed_data();
    void malformed();
    void truncatedAtEveryOffset_data();
    void truncatedAtEveryOffset();
    void flippedBytesNeverCrash_data();
    void flippedBytesNeverCrash();
};

void TestWireCodec::everyTypeHasASample()
{
    QSet<int> types;
    for (const auto &[name, message] : samples(false))
        types.insert(int(typeOf(message)));
    QCOMPARE(types.size(), int(MessageType::Fragment));
    for (int type = int(MessageType::Hello); type <= int(MessageType::Fragment); ++type)
        QVERIFY2(types.contains(type), typeName(MessageType(type)));
}

void TestWireCodec::roundTrip_data()
{
    QTest::addColumn<MessageCase>("original");
    for (auto &[name, message] : samples(true))
        QTest::newRow(name) << MessageCase{message};
}

void TestWireCodec::roundTrip()
{
    QFETCH(MessageCase, original);
    const QByteArray bytes = encode(original.message);

    QCOMPARE(bytes.left(4), QByteArray("TNDM"));
    QCOMPARE(qFromLittleEndian<quint16>(bytes.constData() + 4), kProtocolVersion);
    QCOMPARE(MessageType(quint8(bytes[6])), typeOf(original.message));
    QCOMPARE(quint8(bytes[7]), quint8(0));
    QCOMPARE(qint64(qFromLittleEndian<quint32>(bytes.constData() + 8)), qint64(bytes.size() - kHeaderBytes));

    const DecodeResult result = decode(bytes);
    QVERIFY2(result.ok(), qPrintable(result.detail));
    QCOMPARE(result.error, DecodeError::None);
    QVERIFY(result.detail.isEmpty());
    const QString diff = differences(original.message, *result.message);
    QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("fields differ: ") + diff));
    QCOMPARE(encode(*result.message), bytes); // the encoding is canonical
}

void TestWireCodec::layout_data()
{
    QTest::addColumn<MessageCase>("message");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("Credit") << MessageCase{Credit{0x01020304}}
                            << QByteArray("TNDM\x01\x00\x05\x00\x04\x00\x00\x00\x04\x03\x02\x01", 16);

    const QByteArray nonce = pattern(kNonceBytes, 11);
    QTest::newRow("Hello") << MessageCase{Hello{1, 1, Role::Client, nonce, QStringLiteral("tandem 0.1.0")}}
                           << frame(MessageType::Hello, Bytes().u16(1).u16(1).u8(1).raw(nonce).sized("tandem 0.1.0"));

    Batch batch = makeBatch(2, 3, 2, 2, Split::Val, 12);
    QTest::newRow("Batch") << MessageCase{batch}
                           << frame(MessageType::Batch, Bytes()
                                                            .u64(batch.seq)
                                                            .u32(3)
                                                            .u8(1)
                                                            .u16(3)
                                                            .u16(2)
                                                            .u16(2)
                                                            .i64(batch.sentAtNs)
                                                            .u32(2)
                                                            .i32(batch.labels[0])
                                                            .i32(batch.labels[1])
                                                            .u64(batch.contentIds[0])
                                                            .u64(batch.contentIds[1])
                                                            .raw(batch.pixels));

    StepMetrics step = makeStepMetrics(1);
    step.spans[0] = Span{Stage::Forward, 10, 20};
    QTest::newRow("StepMetrics") << MessageCase{step}
                                 << frame(MessageType::StepMetrics, Bytes()
                                                                        .u64(41)
                                                                        .u32(2)
                                                                        .u8(0)
                                                                        .u32(64)
                                                                        .u32(57)
                                                                        .f32(0.8125F)
                                                                        .f32(0.05F)
                                                                        .f32(1234.5F)
                                                                        .u64(7ULL << 30)
                                                                        .i64(99'000'000'017)
                                                                        .u16(1)
                                                                        .u8(quint8(Stage::Forward))
                                                                        .i64(10)
                                                                        .i64(20));

    QTest::newRow("EpochEnd") << MessageCase{EpochEnd{9, Split::Infer, 3}}
                              << frame(MessageType::EpochEnd, Bytes().u32(9).u8(2).u32(3));
    QTest::newRow("EpochMetrics") << MessageCase{EpochMetrics{1, Split::Train, 100, 90, 0.5F, 0.9F, 77}}
                                  << frame(MessageType::EpochMetrics,
                                           Bytes().u32(1).u8(0).u32(100).u32(90).f32(0.5F).f32(0.9F).i64(77));
    QTest::newRow("Pong") << MessageCase{Pong{-1, 2, 3}} << frame(MessageType::Pong, Bytes().i64(-1).i64(2).i64(3));
    QTest::newRow("Error") << MessageCase{Error{ErrorCode::Busy, QStringLiteral("busy")}}
                           << frame(MessageType::Error, Bytes().u16(5).sized("busy"));
    QTest::newRow("Weights") << MessageCase{Weights{QStringLiteral("fmt"), QByteArray("abc")}}
                             << frame(MessageType::Weights, Bytes().sized("fmt").sized("abc"));
    QTest::newRow("WeightsRequest") << MessageCase{WeightsRequest{}} << frame(MessageType::WeightsRequest, {});
    QTest::newRow("InferResult") << MessageCase{InferResult{8, 1, 2, {1.F, -2.F}}}
                                 << frame(MessageType::InferResult, Bytes().u64(8).u32(1).u32(2).f32(1.F).f32(-2.F));
    QTest::newRow("Fragment") << MessageCase{Fragment{6, 1, 2, 40, QByteArray("xyz")}}
                              << frame(MessageType::Fragment, Bytes().u32(6).u32(1).u32(2).u64(40).sized("xyz"));
}

void TestWireCodec::layout()
{
    QFETCH(MessageCase, message);
    QFETCH(QByteArray, expected);
    QCOMPARE(encode(message.message).toHex(' '), expected.toHex(' '));
}

void TestWireCodec::splitFrames_data()
{
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<int>("maxFrameBytes");
    QTest::addColumn<int>("expectedFrames");

    // A Weights message with format "torch-pickle-state-dict" encodes to 43 + data bytes; a
    // fragment carries maxFrameBytes - 36 bytes of it.
    constexpr int kOverhead = kHeaderBytes + 4 + 23 + 4;
    QTest::newRow("fits exactly") << 4096 - kOverhead << 4096 << 1;
    QTest::newRow("one byte over") << 4097 - kOverhead << 4096 << 2;
    QTest::newRow("two full chunks") << 2 * 4060 - kOverhead << 4096 << 2;
    QTest::newRow("two chunks and a byte") << 2 * 4060 - kOverhead + 1 << 4096 << 3;
    QTest::newRow("many") << 100'000 << 4096 << 25;
    QTest::newRow("5 MiB at the default 1 MiB") << (5 << 20) << int(Limits{}.maxFrameBytes) << 6;
}

void TestWireCodec::splitFrames()
{
    QFETCH(int, dataBytes);
    QFETCH(int, maxFrameBytes);
    QFETCH(int, expectedFrames);

    Limits limits;
    limits.maxFrameBytes = maxFrameBytes;
    const Weights weights{QStringLiteral("torch-pickle-state-dict"), pattern(dataBytes, 21)};
    const QByteArray encoded = encode(weights);
    const std::vector<QByteArray> frames = encodeFrames(weights, limits, 77);
    QCOMPARE(int(frames.size()), expectedFrames);
    QCOMPARE(tandem::protocol::splitFrames(encoded, limits, 77), frames);

    if (expectedFrames == 1) {
        QCOMPARE(frames.front(), encoded);
        return;
    }
    FragmentAssembler assembler(limits);
    std::optional<QByteArray> complete;
    for (size_t i = 0; i < frames.size(); ++i) {
        QVERIFY2(frames[i].size() <= maxFrameBytes, qPrintable(QString::number(frames[i].size())));
        const DecodeResult part = decode(frames[i], limits);
        QVERIFY2(part.ok(), qPrintable(part.detail));
        const auto &fragment = std::get<Fragment>(*part.message);
        QCOMPARE(fragment.streamId, 77U);
        QCOMPARE(fragment.index, quint32(i));
        QCOMPARE(fragment.count, quint32(expectedFrames));
        QCOMPARE(fragment.totalBytes, quint64(encoded.size()));
        QVERIFY(!complete);
        FragmentAssembler::Result step = assembler.push(fragment);
        QVERIFY2(step.error.isEmpty(), qPrintable(step.error));
        complete = step.complete;
    }
    QVERIFY(complete);
    QCOMPARE(*complete, encoded);
    const DecodeResult whole = decode(*complete, limits);
    QVERIFY2(whole.ok(), qPrintable(whole.detail));
    QVERIFY(differences(weights, *whole.message).isEmpty());
    QCOMPARE(assembler.bufferedBytes(), qint64(0));
}

void TestWireCodec::realSizedBatchTravelsAsFragments()
{
    const Limits limits;
    const Batch batch = makeBatch(64, 3, 224, 224, Split::Train, 31);
    const std::vector<QByteArray> frames = encodeFrames(batch, limits, 9);
    QCOMPARE(int(frames.size()), 10); // 9,634,603 bytes in chunks of 1,048,540

    FragmentAssembler assembler(limits);
    std::optional<QByteArray> complete;
    for (const QByteArray &bytes : frames) {
        QVERIFY(bytes.size() <= limits.maxFrameBytes);
        const DecodeResult part = decode(bytes, limits);
        QVERIFY2(part.ok(), qPrintable(part.detail));
        QCOMPARE(typeOf(*part.message), MessageType::Fragment);
        QVERIFY(!complete);
        FragmentAssembler::Result step = assembler.push(std::get<Fragment>(*part.message));
        QVERIFY2(step.error.isEmpty(), qPrintable(step.error));
        complete = step.complete;
    }
    QVERIFY(complete);
    const DecodeResult whole = decode(*complete, limits);
    QVERIFY2(whole.ok(), qPrintable(whole.detail));
    const QString diff = differences(batch, *whole.message);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestWireCodec::stampBatchSendTime()
{
    Batch batch = makeBatch(3, 3, 4, 4, Split::Train, 41);
    const QByteArray before = encode(batch);
    QByteArray stamped = before;
    constexpr qint64 kSentAt = 0x1122334455667788LL;
    QVERIFY(tandem::protocol::stampBatchSendTime(stamped, kSentAt));

    QCOMPARE(stamped.size(), before.size());
    for (int i = 0; i < before.size(); ++i) {
        const bool inField = i >= kBatchSentAtOffset && i < kBatchSentAtOffset + 8;
        if (!inField)
            QVERIFY2(stamped[i] == before[i], qPrintable(QStringLiteral("byte %1 changed").arg(i)));
    }
    const DecodeResult result = decode(stamped);
    QVERIFY2(result.ok(), qPrintable(result.detail));
    QCOMPARE(std::get<Batch>(*result.message).sentAtNs, kSentAt);
    QCOMPARE(differences(batch, *result.message), QStringLiteral("sentAtNs")); // and nothing else
    batch.sentAtNs = kSentAt;
    QVERIFY(differences(batch, *result.message).isEmpty());
}

void TestWireCodec::stampRejectsOtherBytes()
{
    QByteArray credit = encode(Credit{1});
    const QByteArray creditBefore = credit;
    QVERIFY(!tandem::protocol::stampBatchSendTime(credit, 5));
    QCOMPARE(credit, creditBefore);

    QByteArray shortBatch = encode(makeBatch(1, 1, 8, 8, Split::Train, 1)).left(kBatchSentAtOffset + 7);
    const QByteArray shortBefore = shortBatch;
    QVERIFY(!tandem::protocol::stampBatchSendTime(shortBatch, 5));
    QCOMPARE(shortBatch, shortBefore);
}

namespace {
// The fixed part of a Batch payload, up to and including the sample count.
Bytes batchHead(quint32 count, quint16 channels, quint16 height, quint16 width, quint8 split = 0)
{
    return Bytes().u64(7).u32(1).u8(split).u16(channels).u16(height).u16(width).i64(0).u32(count);
}
// A Batch payload with `count` labels and ids and `pixelBytes` bytes of pixels.
QByteArray batchPayload(quint32 count, quint16 channels, quint16 height, quint16 width, qint64 pixelBytes)
{
    Bytes b = batchHead(count, channels, height, width);
    for (quint32 i = 0; i < count; ++i)
        b.i32(0);
    for (quint32 i = 0; i < count; ++i)
        b.u64(i);
    return b.raw(QByteArray(pixelBytes, 'p'));
}
// StepMetrics up to the span count.
Bytes stepHead(quint32 count, quint32 correct, quint16 spans, quint8 split = 0)
{
    return Bytes().u64(1).u32(0).u8(split).u32(count).u32(correct).f32(1.F).f32(0.1F).f32(10.F).u64(0).i64(0).u16(
        spans);
}
Bytes helloPayload(quint16 minVersion, quint16 maxVersion, quint8 role)
{
    return Bytes().u16(minVersion).u16(maxVersion).u8(role).raw(QByteArray(kNonceBytes, 'n')).sized("x");
}
} // namespace

void TestWireCodec::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<DecodeError>("error");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<int>("peerVersion");

    const QByteArray credit = encode(Credit{1});
    const QString maxMessage = QString::number(Limits{}.maxMessageBytes);
    const QString maxReassembly = QString::number(Limits{}.maxReassemblyBytes);

    // framing
    QTest::newRow("empty") << QByteArray() << DecodeError::Truncated << "0 bytes is shorter than the 12-byte header"
                           << 0;
    QTest::newRow("shorter than header") << credit.left(11) << DecodeError::Truncated
                                         << "11 bytes is shorter than the 12-byte header" << 0;
    QTest::newRow("bad magic") << QByteArray("TNDX").append(credit.mid(4)) << DecodeError::BadMagic
                               << "not a Tandem message (magic 58444e54)" << 0;
    QTest::newRow("HTTP instead") << QByteArray("GET / HTTP/1.1\r\n") << DecodeError::BadMagic
                                  << "not a Tandem message (magic 20544547)" << 0;
    QTest::newRow("version 2") << frame(5, Bytes().u32(1), 2) << DecodeError::UnsupportedVersion
                               << "peer speaks protocol version 2, this build speaks 1" << 2;
    QTest::newRow("version 0") << frame(5, Bytes().u32(1), 0) << DecodeError::UnsupportedVersion
                               << "peer speaks protocol version 0, this build speaks 1" << 0;
    QTest::newRow("type 0") << frame(0, {}) << DecodeError::UnknownType << "unknown message type 0" << 0;
    QTest::newRow("type 18") << frame(18, {}) << DecodeError::UnknownType << "unknown message type 18" << 0;
    QTest::newRow("type 200") << frame(200, {}) << DecodeError::UnknownType << "unknown message type 200" << 0;
    QTest::newRow("length beyond bytes") << frame(5, Bytes().u32(1), 1, 20) << DecodeError::LengthMismatch
                                         << "header announces 20 payload bytes, 4 arrived" << 0;
    QTest::newRow("length short of bytes") << frame(5, Bytes().u32(1), 1, 2) << DecodeError::LengthMismatch
                                           << "header announces 2 payload bytes, 4 arrived" << 0;
    QTest::newRow("trailing bytes") << frame(MessageType::Credit, Bytes().u32(1).u32(0)) << DecodeError::LengthMismatch
                                    << "Credit: 4 unexpected trailing bytes" << 0;
    QTest::newRow("trailing byte after WeightsRequest")
        << frame(MessageType::WeightsRequest, "x") << DecodeError::LengthMismatch
        << "WeightsRequest: 1 unexpected trailing bytes" << 0;
    QTest::newRow("payload over maxMessageBytes")
        << frame(quint8(MessageType::Batch), {}, 1, quint32(Limits{}.maxMessageBytes + 1)) << DecodeError::Oversized
        << QStringLiteral("Batch of %1 bytes exceeds the limit of %2").arg(Limits{}.maxMessageBytes + 1).arg(maxMessage)
        << 0;
    // Weights are bounded by maxReassemblyBytes instead; the header is then only length-checked.
    QTest::newRow("Weights header over maxMessageBytes")
        << frame(quint8(MessageType::Weights), {}, 1, quint32(Limits{}.maxMessageBytes + 1))
        << DecodeError::LengthMismatch
        << QStringLiteral("header announces %1 payload bytes, 0 arrived").arg(Limits{}.maxMessageBytes + 1) << 0;

    // Batch
    QTest::newRow("Batch count 0") << frame(MessageType::Batch, batchHead(0, 3, 8, 8)) << DecodeError::BadField
                                   << "Batch: batch 7 holds no samples" << 0;
    QTest::newRow("Batch count over maxBatchSamples")
        << frame(MessageType::Batch, batchHead(4097, 3, 8, 8)) << DecodeError::Oversized
        << "Batch: batch of 4097 samples exceeds the limit of 4096" << 0;
    QTest::newRow("Batch height 0") << frame(MessageType::Batch, batchHead(1, 3, 0, 8)) << DecodeError::BadField
                                    << "Batch: sample shape 0×8×3 is out of range" << 0;
    QTest::newRow("Batch width 0") << frame(MessageType::Batch, batchHead(1, 3, 8, 0)) << DecodeError::BadField
                                   << "Batch: sample shape 8×0×3 is out of range" << 0;
    QTest::newRow("Batch channels 0") << frame(MessageType::Batch, batchHead(1, 0, 8, 8)) << DecodeError::BadField
                                      << "Batch: sample shape 8×8×0 is out of range" << 0;
    QTest::newRow("Batch 5 channels") << frame(MessageType::Batch, batchHead(1, 5, 8, 8)) << DecodeError::BadField
                                      << "Batch: sample shape 8×8×5 is out of range" << 0;
    QTest::newRow("Batch side over maxImageSide")
        << frame(MessageType::Batch, batchHead(1, 3, 4097, 8)) << DecodeError::BadField
        << "Batch: sample shape 4097×8×3 is out of range" << 0;
    QTest::newRow("Batch one pixel byte short")
        << frame(MessageType::Batch, batchPayload(2, 3, 4, 4, 95)) << DecodeError::LengthMismatch
        << "Batch: batch of 2 samples of 4×4×3 needs 96 pixel bytes, message has 95" << 0;
    QTest::newRow("Batch one pixel byte over")
        << frame(MessageType::Batch, batchPayload(2, 3, 4, 4, 97)) << DecodeError::LengthMismatch
        << "Batch: batch of 2 samples of 4×4×3 needs 96 pixel bytes, message has 97" << 0;
    QTest::newRow("Batch split 3") << frame(MessageType::Batch, batchHead(1, 3, 8, 8, 3)) << DecodeError::BadField
                                   << "Batch: unknown split 3" << 0;
    QTest::newRow("Batch cut in the head")
        << frame(MessageType::Batch, batchHead(1, 3, 8, 8).data().left(20)) << DecodeError::Truncated
        << "Batch: message ends 7 bytes early at offset 19" << 0;

    // StepMetrics
    QTest::newRow("StepMetrics unknown stage")
        << frame(MessageType::StepMetrics, stepHead(4, 1, 1).u8(kStageCount).i64(1).i64(2)) << DecodeError::BadField
        << "StepMetrics: unknown stage 15" << 0;
    QTest::newRow("StepMetrics span ends before start")
        << frame(MessageType::StepMetrics, stepHead(4, 1, 2).u8(0).i64(1).i64(2).u8(3).i64(10).i64(9))
        << DecodeError::BadField << "StepMetrics: span of stage 3 ends before it starts" << 0;
    QTest::newRow("StepMetrics correct over count")
        << frame(MessageType::StepMetrics, stepHead(4, 5, 0)) << DecodeError::BadField
        << "StepMetrics: 5 correct out of 4 samples" << 0;
    QTest::newRow("StepMetrics too many spans")
        << frame(MessageType::StepMetrics, stepHead(4, 1, 65)) << DecodeError::Oversized
        << "StepMetrics: 65 spans exceed the limit of 64" << 0;
    QTest::newRow("StepMetrics split 7") << frame(MessageType::StepMetrics, stepHead(4, 1, 0, 7))
                                         << DecodeError::BadField << "StepMetrics: unknown split 7" << 0;
    QTest::newRow("StepMetrics span missing")
        << frame(MessageType::StepMetrics, stepHead(4, 1, 1)) << DecodeError::Truncated
        << "StepMetrics: message ends 1 bytes early at offset 51" << 0;

    // Fragment
    QTest::newRow("Fragment index = count")
        << frame(MessageType::Fragment, Bytes().u32(1).u32(2).u32(2).u64(10).sized("ab")) << DecodeError::BadField
        << "Fragment: fragment 2 of 2 is out of range" << 0;
    QTest::newRow("Fragment count 1") << frame(MessageType::Fragment, Bytes().u32(1).u32(0).u32(1).u64(10).sized("ab"))
                                      << DecodeError::BadField << "Fragment: fragment 0 of 1 is out of range" << 0;
    QTest::newRow("Fragment total over limit")
        << frame(MessageType::Fragment,
                 Bytes().u32(1).u32(0).u32(2).u64(quint64(Limits{}.maxReassemblyBytes) + 1).sized("ab"))
        << DecodeError::Oversized
        << QStringLiteral("Fragment: fragmented message of %1 bytes exceeds the limit of %2")
               .arg(Limits{}.maxReassemblyBytes + 1)
               .arg(maxReassembly)
        << 0;
    QTest::newRow("Fragment chunk over maxFrameBytes")
        << frame(MessageType::Fragment, Bytes().u32(1).u32(0).u32(2).u64(10).u32(quint32(Limits{}.maxFrameBytes) + 1))
        << DecodeError::Oversized << "Fragment: fragment chunk of 1048577 bytes exceeds the limit of 1048576" << 0;

    // Hello and strings
    QTest::newRow("Hello role 0") << frame(MessageType::Hello, helloPayload(1, 1, 0)) << DecodeError::BadField
                                  << "Hello: unknown role 0" << 0;
    QTest::newRow("Hello role 3") << frame(MessageType::Hello, helloPayload(1, 1, 3)) << DecodeError::BadField
                                  << "Hello: unknown role 3" << 0;
    QTest::newRow("Hello min over max") << frame(MessageType::Hello, helloPayload(2, 1, 1)) << DecodeError::BadField
                                        << "Hello: version range 2..1 is empty" << 0;
    QTest::newRow("Hello short nonce") << frame(MessageType::Hello, Bytes().u16(1).u16(1).u8(1).raw("short"))
                                       << DecodeError::Truncated << "Hello: message ends 27 bytes early at offset 5"
                                       << 0;
    QTest::newRow("oversized string") << frame(MessageType::Goodbye, Bytes().u32(64 * 1024 + 1))
                                      << DecodeError::Oversized
                                      << "Goodbye: goodbye reason of 65537 bytes exceeds the limit of 65536" << 0;
    QTest::newRow("oversized JSON") << frame(MessageType::SessionConfig, Bytes().u32(64 * 1024 + 1))
                                    << DecodeError::Oversized
                                    << "SessionConfig: JSON document of 65537 bytes exceeds the limit of 65536" << 0;
    QTest::newRow("string longer than message")
        << frame(MessageType::Error, Bytes().u16(7).u32(10).raw("abc")) << DecodeError::Truncated
        << "Error: message ends 7 bytes early at offset 6" << 0;
    QTest::newRow("Weights data over limit")
        << frame(MessageType::Weights, Bytes().sized("f").u32(quint32(Limits{}.maxReassemblyBytes) + 1))
        << DecodeError::Oversized
        << QStringLiteral("Weights: weights of %1 bytes exceeds the limit of %2")
               .arg(Limits{}.maxReassemblyBytes + 1)
               .arg(maxReassembly)
        << 0;

    // Other messages
    QTest::newRow("Credit implausible") << frame(MessageType::Credit, Bytes().u32(1'000'001)) << DecodeError::BadField
                                        << "Credit: credit grant of 1000001 is implausible" << 0;
    QTest::newRow("EpochEnd split 9") << frame(MessageType::EpochEnd, Bytes().u32(1).u8(9).u32(1))
                                      << DecodeError::BadField << "EpochEnd: unknown split 9" << 0;
    QTest::newRow("EpochMetrics split 4")
        << frame(MessageType::EpochMetrics, Bytes().u32(1).u8(4).u32(1).u32(1).f32(0).f32(0).i64(0))
        << DecodeError::BadField << "EpochMetrics: unknown split 4" << 0;
    QTest::newRow("InferResult logits missing")
        << frame(MessageType::InferResult, Bytes().u64(1).u32(2).u32(3).f32(1)) << DecodeError::LengthMismatch
        << "InferResult: 2 × 3 logits need 24 bytes, message has 4" << 0;
    QTest::newRow("InferResult too many classes")
        << frame(MessageType::InferResult, Bytes().u64(1).u32(1).u32(100'001)) << DecodeError::Oversized
        << "InferResult: 1 × 100001 logits exceed the limits" << 0;
    QTest::newRow("AuthProof short") << frame(MessageType::AuthProof, QByteArray(31, 'm')) << DecodeError::Truncated
                                     << "AuthProof: message ends 1 bytes early at offset 0" << 0;
}

void TestWireCodec::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(DecodeError, error);
    QFETCH(QString, detail);
    QFETCH(int, peerVersion);

    const DecodeResult result = decode(bytes);
    QVERIFY(!result.ok());
    QCOMPARE(result.error, error);
    QCOMPARE(result.detail, detail);
    QCOMPARE(int(result.peerVersion), peerVersion);
}

void TestWireCodec::truncatedAtEveryOffset_data()
{
    QTest::addColumn<MessageCase>("original");
    for (auto &[name, message] : samples(false))
        QTest::newRow(name) << MessageCase{message};
    QTest::newRow("Batch RGB") << MessageCase{makeBatch(3, 3, 5, 4, Split::Train, 51)};
}

void TestWireCodec::truncatedAtEveryOffset()
{
    QFETCH(MessageCase, original);
    const QByteArray bytes = encode(original.message);
    for (qsizetype size = 0; size < bytes.size(); ++size) {
        // As cut off: the header no longer matches.
        const QByteArray prefix = bytes.left(size);
        const DecodeResult cut = decode(prefix);
        QVERIFY2(!cut.ok() && cut.error != DecodeError::None && !cut.detail.isEmpty(),
                 qPrintable(QStringLiteral("prefix of %1 bytes").arg(size)));
        QCOMPARE(cut.error, size < kHeaderBytes ? DecodeError::Truncated : DecodeError::LengthMismatch);
        if (size < kHeaderBytes)
            continue;
        // With the header length patched to match, so the payload reader itself meets the end.
        QByteArray patched = prefix;
        qToLittleEndian(quint32(size - kHeaderBytes), patched.data() + 8);
        const DecodeResult short_ = decode(patched);
        QVERIFY2(!short_.ok(), qPrintable(QStringLiteral("patched prefix of %1 bytes decoded").arg(size)));
        QVERIFY2(short_.error == DecodeError::Truncated || short_.error == DecodeError::LengthMismatch,
                 qPrintable(QStringLiteral("prefix of %1 bytes: %2").arg(size).arg(short_.detail)));
        QVERIFY(!short_.detail.isEmpty());
    }
}

void TestWireCodec::flippedBytesNeverCrash_data()
{
    truncatedAtEveryOffset_data();
}

void TestWireCodec::flippedBytesNeverCrash()
{
    QFETCH(MessageCase, original);
    const QByteArray bytes = encode(original.message);
    int rejected = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        for (const char mask : {char(0x01), char(0x80), char(0xFF)}) {
            QByteArray mutated = bytes;
            mutated[i] = char(mutated[i] ^ mask);
            const DecodeResult result = decode(mutated);
            // Exactly one of a message and an error, and a reason with every error.
            QCOMPARE(result.ok(), result.error == DecodeError::None);
            QCOMPARE(result.ok(), result.detail.isEmpty());
            rejected += result.ok() ? 0 : 1;
        }
    }
    QVERIFY(rejected >= 11 * 3); // every header byte but the (reserved) flags matters
}

QTEST_GUILESS_MAIN(TestWireCodec)
#include "tst_wire_codec.moc"
