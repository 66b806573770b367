// ResNet-18 trained a little by the real agent, exported as a pickled state dict, must load into
// torchvision's resnet18 with strict=True and give the agent's logits on the same input.
#include "agent_process.h"
#include "agent_test_client.h"
#include "fashion_mnist.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem::protocol;

namespace {
constexpr int kSide = 64; // small, for the CPU
constexpr int kChannels = 3;
constexpr int kTrainBatch = 8;
constexpr int kInferCount = 4;
constexpr int kPythonTimeoutMs = 120000;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}
} // namespace

class TestResnetExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exportedWeightsMatchTorchvision();
};

void TestResnetExport::exportedWeightsMatchTorchvision()
{
    QString error;
    const auto data = FashionMnist::load(FashionMnist::defaultFolder(), QStringLiteral("t10k"), &error);
    QVERIFY2(data, qPrintable(error));

    AgentProcess agent;
    QVERIFY2(agent.start({QStringLiteral("--threads"), QStringLiteral("1")}), qPrintable(agent.error()));
    AgentTestClient client(agent.secret());
    QVERIFY2(client.connectTo(agent.url()), qPrintable(client.closeMessage()));

    SessionConfig config;
    config.model = QStringLiteral("resnet18");
    for (int i = 0; i < FashionMnist::kClasses; ++i)
        config.classNames << QStringLiteral("class %1").arg(i);
    config.channels = kChannels;
    config.height = config.width = kSide;
    config.batchSize = kTrainBatch;
    config.learningRate = 0.01;
    config.device = QStringLiteral("cpu");
    const std::optional<SessionInfo> info = client.startSession(config);
    QVERIFY2(info, qPrintable(client.closeMessage()));
    QCOMPARE(info->model, QStringLiteral("resnet18"));
    QCOMPARE(info->parameters, qint64(11181642)); // torchvision's resnet18(num_classes=10)

    // Two training steps move the weights and the BatchNorm statistics away from their initial values.
    for (int step = 0; step < 2; ++step)
        QVERIFY(client.sendBatch(
            data->batch(quint64(step), 0, Split::Train, step * kTrainBatch, kTrainBatch, kChannels, kSide)));
    const Batch infer = data->batch(2, 0, Split::Infer, 100, kInferCount, kChannels, kSide);
    QVERIFY(client.sendBatch(infer));
    client.send(WeightsRequest{});

    for (int step = 0; step < 2; ++step)
        QVERIFY2(client.take<StepMetrics>(), qPrintable(client.closeMessage()));
    const std::optional<InferResult> result = client.take<InferResult>();
    QVERIFY2(result, qPrintable(client.closeMessage()));
    QCOMPARE(result->seq, quint64(2));
    QCOMPARE(result->count, quint32(kInferCount));
    QCOMPARE(result->classes, quint32(FashionMnist::kClasses));
    QCOMPARE(result->logits.size(), size_t(kInferCount * FashionMnist::kClasses));
    const std::optional<Weights> weights = client.take<Weights>();
    QVERIFY2(weights, qPrintable(client.closeMessage()));
    QCOMPARE(weights->format, QStringLiteral("torch-pickle-state-dict"));
    QVERIFY(weights->data.size() > 40'000'000); // 11.2 M float parameters
    client.close();

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("weights.pt")), weights->data));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("pixels.u8")), infer.pixels));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("logits.f32")),
                      QByteArray(reinterpret_cast<const char *>(result->logits.data()),
                                 qsizetype(result->logits.size() * sizeof(float)))));
    QJsonObject meta;
    meta[QStringLiteral("count")] = kInferCount;
    meta[QStringLiteral("height")] = kSide;
    meta[QStringLiteral("width")] = kSide;
    meta[QStringLiteral("channels")] = kChannels;
    meta[QStringLiteral("classes")] = FashionMnist::kClasses;
    meta[QStringLiteral("mean")] = QJsonArray{config.mean[0], config.mean[1], config.mean[2]};
    meta[QStringLiteral("std")] = QJsonArray{config.std[0], config.std[1], config.std[2]};
    QVERIFY(writeFile(dir.filePath(QStringLiteral("meta.json")), QJsonDocument(meta).toJson()));

    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral(TANDEM_SOURCE_DIR "/tests/agent/process/check_resnet_export.py"), dir.path()});
    QVERIFY2(python.waitForStarted(), qPrintable(python.errorString()));
    QVERIFY2(python.waitForFinished(kPythonTimeoutMs), "check_resnet_export.py timed out");
    const QString output = QString::fromUtf8(python.readAll()).trimmed();
    qInfo().noquote() << "check_resnet_export.py:" << output;
    QCOMPARE(python.exitStatus(), QProcess::NormalExit);
    QCOMPARE(python.exitCode(), 0);
    QCOMPARE(agent.stop(), 0);
}

QTEST_GUILESS_MAIN(TestResnetExport)
#include "tst_resnet_export.moc"
