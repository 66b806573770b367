// Writes the seed corpora of the fuzz targets, made by the real encoders so that the fuzzer starts
// from well-formed messages of every type (and, for the assembler, real fragment streams).
//   make-fuzz-seeds DIR   → DIR/wire/, DIR/fragments/, DIR/session_config/
#include "session_config.h"
#include "wire_codec.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstdio>

using namespace tandem::protocol;

namespace {

bool write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "make-fuzz-seeds: cannot write %s: %s\n", qPrintable(path),
                     qPrintable(file.errorString()));
        return false;
    }
    return true;
}

std::vector<Message> sampleMessages()
{
    Batch batch;
    batch.seq = 7;
    batch.epoch = 1;
    batch.channels = 1;
    batch.height = 2;
    batch.width = 2;
    batch.sentAtNs = 123456789;
    batch.labels = {0, 3};
    batch.contentIds = {0x1122334455667788ULL, 42};
    batch.pixels = QByteArray("\x00\x10\x20\x30\x40\x50\x60\x70", 8);

    StepMetrics step;
    step.seq = 7;
    step.count = 2;
    step.correct = 1;
    step.loss = 0.69F;
    step.learningRate = 0.05F;
    step.spans = {Span{Stage::Receive, 10, 20}, Span{Stage::Forward, 20, 40}};

    EpochMetrics epoch;
    epoch.samples = 2;
    epoch.correct = 1;
    epoch.meanLoss = 0.7F;
    epoch.accuracy = 0.5F;
    epoch.durationNs = 1000000;

    InferResult infer;
    infer.seq = 3;
    infer.count = 1;
    infer.classes = 2;
    infer.logits = {0.25F, -1.5F};

    SessionConfig config;
    config.classNames = {QStringLiteral("cat"), QStringLiteral("dog")};
    config.channels = 1;
    config.height = config.width = 28;

    return {
        Hello{1, 1, Role::Client, QByteArray(kNonceBytes, '\x5a'), QStringLiteral("tandem 0.1.0")},
        AuthProof{QByteArray(kProofBytes, '\x11')},
        SessionConfigMessage{config.toJson()},
        SessionReady{SessionInfo{
            QStringLiteral("cpu"), QStringLiteral("cnn"), 1000, QStringLiteral("1.13"), QStringLiteral("fp32"), {}, 8}
                         .toJson()},
        Credit{4},
        batch,
        EpochEnd{1, Split::Train, 3},
        step,
        epoch,
        Ping{5},
        Pong{5, 6, 7},
        Error{ErrorCode::BadConfig, QStringLiteral("height: out of range")},
        Goodbye{QStringLiteral("done")},
        WeightsRequest{},
        Weights{QStringLiteral("torch-pickle-state-dict"), QByteArray("PK\x03\x04", 4)},
        infer,
        Fragment{1, 0, 2, 6, QByteArray("abc")}};
}

QByteArray lengthPrefixed(const std::vector<QByteArray> &frames)
{
    QByteArray out;
    for (const QByteArray &frame : frames) {
        const auto n = quint16(frame.size());
        out.append(char(n & 0xff));
        out.append(char(n >> 8));
        out.append(frame);
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: make-fuzz-seeds DIR\n");
        return 2;
    }
    const QDir root(QString::fromLocal8Bit(argv[1]));
    for (const char *sub : {"wire", "fragments", "session_config"})
        if (!root.mkpath(QLatin1String(sub))) {
            std::fprintf(stderr, "make-fuzz-seeds: cannot create %s/%s\n", argv[1], sub);
            return 1;
        }

    bool ok = true;
    int index = 0;
    for (const Message &message : sampleMessages()) {
        const QString name =
            QStringLiteral("%1-%2").arg(index++, 2, 10, QLatin1Char('0')).arg(QLatin1String(typeName(typeOf(message))));
        ok &= write(root.filePath(QStringLiteral("wire/") + name), encode(message));
        if (const auto *config = std::get_if<SessionConfigMessage>(&message))
            ok &= write(root.filePath(QStringLiteral("session_config/config.json")), config->json);
        if (const auto *ready = std::get_if<SessionReady>(&message))
            ok &= write(root.filePath(QStringLiteral("session_config/info.json")), ready->json);
    }

    // Fragment streams as the sender cuts them (the target's limits: 256-byte frames), two interleaved.
    Limits limits;
    limits.maxFrameBytes = 256;
    Weights weights{QStringLiteral("torch-pickle-state-dict"), QByteArray(900, '\x07')};
    const std::vector<QByteArray> a = encodeFrames(weights, limits, 1);
    const std::vector<QByteArray> b = encodeFrames(Goodbye{QString(300, QLatin1Char('x'))}, limits, 2);
    ok &= write(root.filePath(QStringLiteral("fragments/one-stream")), lengthPrefixed(a));
    std::vector<QByteArray> interleaved;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        if (i < a.size())
            interleaved.push_back(a[i]);
        if (i < b.size())
            interleaved.push_back(b[i]);
    }
    ok &= write(root.filePath(QStringLiteral("fragments/two-streams")), lengthPrefixed(interleaved));
    return ok ? 0 : 1;
}
