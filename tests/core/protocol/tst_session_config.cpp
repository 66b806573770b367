// Tests of core/protocol/session_config: the JSON of SessionConfig and SessionInfo, validation
// with specific reasons, and the model "auto" resolves to.
#include "session_config.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tandem::protocol;

namespace {

SessionConfig fullConfig()
{
    SessionConfig c;
    c.model = QStringLiteral("resnet18");
    c.classNames = QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird — ü")};
    c.channels = 1;
    c.height = 96;
    c.width = 128;
    c.batchSize = 32;
    c.epochs = 7;
    c.optimizer = QStringLiteral("adamw");
    c.learningRate = 0.00125;
    c.momentum = 0.8;
    c.weightDecay = 0.0005;
    c.seed = 18'446'744'073'709'551'615ULL; // beyond a double's 53 bits: travels as a string
    c.mean = {0.5, 0.25, 0.125};
    c.std = {0.3, 0.2, 0.1};
    c.device = QStringLiteral("cuda");
    c.precision = QStringLiteral("bf16");
    c.deviceFlip = true;
    c.stepsPerEpoch = 1563;
    c.dataPathOnly = true;
    return c;
}

QJsonObject validObject()
{
    SessionConfig c;
    c.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    return QJsonDocument::fromJson(c.toJson()).object();
}

// A valid config's JSON with some fields replaced.
QByteArray with(std::initializer_list<std::pair<QString, QJsonValue>> fields)
{
    QJsonObject o = validObject();
    for (const auto &[key, value] : fields)
        o[key] = value;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
QByteArray with(const QString &key, const QJsonValue &value)
{
    return with({{key, value}});
}

QString jsonError(const QByteArray &json)
{
    QJsonParseError error;
    QJsonDocument::fromJson(json, &error);
    return QStringLiteral("invalid JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset);
}

} // namespace

class TestSessionConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void configRoundTrip();
    void missingFieldsTakeDefaults();
    void invalidConfig_data();
    void invalidConfig();
    void boundariesAccepted_data();
    void boundariesAccepted();
    void infoRoundTrip();
    void invalidInfo_data();
    void invalidInfo();
    void resolvedModel_data();
    void resolvedModel();
};

void TestSessionConfig::configRoundTrip()
{
    const SessionConfig original = fullConfig();
    const QByteArray json = original.toJson();
    QString error;
    const std::optional<SessionConfig> parsed = SessionConfig::fromJson(json, &error);
    QVERIFY2(parsed, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(parsed->model, original.model);
    QCOMPARE(parsed->classNames, original.classNames);
    QCOMPARE(parsed->numClasses(), 3);
    QCOMPARE(parsed->channels, original.channels);
    QCOMPARE(parsed->height, original.height);
    QCOMPARE(parsed->width, original.width);
    QCOMPARE(parsed->batchSize, original.batchSize);
    QCOMPARE(parsed->epochs, original.epochs);
    QCOMPARE(parsed->optimizer, original.optimizer);
    QCOMPARE(parsed->learningRate, original.learningRate);
    QCOMPARE(parsed->momentum, original.momentum);
    QCOMPARE(parsed->weightDecay, original.weightDecay);
    QCOMPARE(parsed->seed, original.seed);
    QCOMPARE(parsed->mean, original.mean);
    QCOMPARE(parsed->std, original.std);
    QCOMPARE(parsed->device, original.device);
    QCOMPARE(parsed->precision, original.precision);
    QCOMPARE(parsed->deviceFlip, original.deviceFlip);
    QCOMPARE(parsed->stepsPerEpoch, original.stepsPerEpoch);
    QCOMPARE(parsed->dataPathOnly, true);
    QCOMPARE(parsed->toJson(), json);

    // The documented field names and types.
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QCOMPARE(o.value(QLatin1String("seed")).toString(), QStringLiteral("18446744073709551615"));
    QCOMPARE(o.value(QLatin1String("classNames")).toArray().size(), 3);
    QCOMPARE(o.value(QLatin1String("batchSize")).toInt(), 32);
    QCOMPARE(o.value(QLatin1String("deviceFlip")).toBool(), true);
    QCOMPARE(o.value(QLatin1String("dataPath")).toBool(), true);
    QCOMPARE(o.keys().size(), 19);
    // Written only when set, so an ordinary session reads the same to an agent from before the key.
    QVERIFY(!QJsonDocument::fromJson(SessionConfig{}.toJson()).object().contains(QLatin1String("dataPath")));
}

void TestSessionConfig::missingFieldsTakeDefaults()
{
    QString error;
    const auto parsed = SessionConfig::fromJson(R"({"classNames": ["a", "b"]})", &error);
    QVERIFY2(parsed, qPrintable(error));
    const SessionConfig defaults;
    QCOMPARE(parsed->model, defaults.model);
    QCOMPARE(parsed->channels, 3);
    QCOMPARE(parsed->height, 224);
    QCOMPARE(parsed->width, 224);
    QCOMPARE(parsed->batchSize, 64);
    QCOMPARE(parsed->epochs, 1);
    QCOMPARE(parsed->optimizer, QStringLiteral("sgd"));
    QCOMPARE(parsed->learningRate, 0.05);
    QCOMPARE(parsed->seed, quint64(0));
    QCOMPARE(parsed->mean, defaults.mean);
    QCOMPARE(parsed->std, defaults.std);
    QCOMPARE(parsed->device, QStringLiteral("auto"));
    QCOMPARE(parsed->precision, QStringLiteral("auto"));
    QCOMPARE(parsed->deviceFlip, false);
    QCOMPARE(parsed->stepsPerEpoch, 0);
    QCOMPARE(parsed->dataPathOnly, false);
}

void TestSessionConfig::invalidConfig_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown model") << with(QStringLiteral("model"), QStringLiteral("vgg16"))
                                   << R"(unknown model "vgg16" (expected auto, cnn, resnet18))";
    QTest::newRow("1 class") << with(QStringLiteral("classNames"), QJsonArray{QStringLiteral("only")})
                             << "1 classes: a classifier needs 2 to 100000";
    QTest::newRow("no classes") << with(QStringLiteral("classNames"), QJsonArray{})
                                << "0 classes: a classifier needs 2 to 100000";
    QTest::newRow("2 channels") << with(QStringLiteral("channels"), 2) << "2 channels: expected 1 (gray) or 3 (RGB)";
    QTest::newRow("4 channels") << with(QStringLiteral("channels"), 4) << "4 channels: expected 1 (gray) or 3 (RGB)";
    QTest::newRow("size 4") << with({{QStringLiteral("height"), 4}, {QStringLiteral("width"), 4}})
                            << "input size 4×4 is out of range (8 to 4096)";
    QTest::newRow("height 7") << with(QStringLiteral("height"), 7) << "input size 224×7 is out of range (8 to 4096)";
    QTest::newRow("width 4097") << with(QStringLiteral("width"), 4097)
                                << "input size 4097×224 is out of range (8 to 4096)";
    QTest::newRow("batch 0") << with(QStringLiteral("batchSize"), 0) << "batch size 0 is out of range (1 to 4096)";
    QTest::newRow("batch 5000") << with(QStringLiteral("batchSize"), 5000)
                                << "batch size 5000 is out of range (1 to 4096)";
    QTest::newRow("0 epochs") << with(QStringLiteral("epochs"), 0) << "0 epochs: at least one is needed";
    QTest::newRow("bad optimizer") << with(QStringLiteral("optimizer"), QStringLiteral("adam"))
                                   << R"(unknown optimizer "adam" (expected sgd or adamw))";
    QTest::newRow("lr 0") << with(QStringLiteral("learningRate"), 0) << "learning rate 0 is out of range";
    QTest::newRow("lr negative") << with(QStringLiteral("learningRate"), -0.1) << "learning rate -0.1 is out of range";
    QTest::newRow("lr 100") << with(QStringLiteral("learningRate"), 100) << "learning rate 100 is out of range";
    QTest::newRow("bad device") << with(QStringLiteral("device"), QStringLiteral("tpu"))
                                << R"(unknown device "tpu" (expected auto, cpu or cuda))";
    QTest::newRow("bad precision") << with(QStringLiteral("precision"), QStringLiteral("fp16"))
                                   << R"(unknown precision "fp16" (expected auto, fp32 or bf16))";
    QTest::newRow("std 0") << with(QStringLiteral("std"), QJsonArray{0.2, 0.0, 0.2})
                           << "normalisation std must be positive";
    QTest::newRow("std negative") << with(QStringLiteral("std"), QJsonArray{-1.0, 0.2, 0.2})
                                  << "normalisation std must be positive";
    QTest::newRow("std of two numbers") << with(QStringLiteral("std"), QJsonArray{0.2, 0.2})
                                        << R"("std" must hold three numbers)";
    QTest::newRow("mean not an array") << with(QStringLiteral("mean"), 0.5) << R"("mean" must hold three numbers)";
    const QByteArray truncated = R"({"model": "cnn", )";
    QTest::newRow("invalid JSON") << truncated << jsonError(truncated);
    QTest::newRow("empty") << QByteArray() << jsonError(QByteArray());
    QTest::newRow("not an object") << QByteArray("[1, 2, 3]") << "JSON document is not an object";
    // Strict types: a present key of the wrong JSON type is an error naming the key, never the default.
    QTest::newRow("channels as string") << with(QStringLiteral("channels"), QStringLiteral("3"))
                                        << R"("channels" must be an integer, got a string)";
    QTest::newRow("height fractional") << with(QStringLiteral("height"), 22.5)
                                       << R"("height" must be an integer, got 22.5)";
    QTest::newRow("width huge") << with(QStringLiteral("width"), 1e12) << R"("width" must be an integer, got 1e+12)";
    QTest::newRow("batch null") << with(QStringLiteral("batchSize"), QJsonValue())
                                << R"("batchSize" must be an integer, got null)";
    QTest::newRow("epochs bool") << with(QStringLiteral("epochs"), true)
                                 << R"("epochs" must be an integer, got a bool)";
    QTest::newRow("lr as string") << with(QStringLiteral("learningRate"), QStringLiteral("0.1"))
                                  << R"("learningRate" must be a number, got a string)";
    QTest::newRow("momentum array") << with(QStringLiteral("momentum"), QJsonArray{0.9})
                                    << R"("momentum" must be a number, got an array)";
    QTest::newRow("model number") << with(QStringLiteral("model"), 18) << R"("model" must be a string, got a number)";
    QTest::newRow("optimizer null") << with(QStringLiteral("optimizer"), QJsonValue())
                                    << R"("optimizer" must be a string, got null)";
    QTest::newRow("device bool") << with(QStringLiteral("device"), false) << R"("device" must be a string, got a bool)";
    QTest::newRow("precision object") << with(QStringLiteral("precision"), QJsonObject{})
                                      << R"("precision" must be a string, got an object)";
    QTest::newRow("dataPath as a string") << with(QStringLiteral("dataPath"), QStringLiteral("yes"))
                                          << R"("dataPath" must be true or false, got a string)";
    QTest::newRow("deviceFlip as 1") << with(QStringLiteral("deviceFlip"), 1)
                                     << R"("deviceFlip" must be true or false, got a number)";
    QTest::newRow("stepsPerEpoch string") << with(QStringLiteral("stepsPerEpoch"), QStringLiteral("10"))
                                          << R"("stepsPerEpoch" must be an integer, got a string)";
    QTest::newRow("classNames string") << with(QStringLiteral("classNames"), QStringLiteral("a,b"))
                                       << R"("classNames" must be an array of strings, got a string)";
    QTest::newRow("class name number") << with(QStringLiteral("classNames"), QJsonArray{QStringLiteral("a"), 2})
                                       << R"("classNames"[1] must be a string, got a number)";
    QTest::newRow("seed number")
        << with(QStringLiteral("seed"), 42)
        << R"("seed" must be a decimal string (JSON numbers lose bits above 2^53), got a number)";
    QTest::newRow("seed not decimal") << with(QStringLiteral("seed"), QStringLiteral("-1"))
                                      << R"("seed" must be a decimal integer from 0 to 18446744073709551615, got "-1")";
    QTest::newRow("seed overflow")
        << with(QStringLiteral("seed"), QStringLiteral("18446744073709551616"))
        << R"("seed" must be a decimal integer from 0 to 18446744073709551615, got "18446744073709551616")";
    QTest::newRow("mean of strings") << with(QStringLiteral("mean"), QJsonArray{QStringLiteral("a"), 0.5, 0.5})
                                     << R"("mean" must hold three numbers)";
    // Ranges that used to go unchecked (a negative weight decay reached libtorch: Internal).
    QTest::newRow("weight decay negative")
        << with(QStringLiteral("weightDecay"), -0.01) << "weight decay -0.01 is out of range (0 to 1)";
    QTest::newRow("weight decay 2") << with(QStringLiteral("weightDecay"), 2)
                                    << "weight decay 2 is out of range (0 to 1)";
    QTest::newRow("momentum 1.5") << with(QStringLiteral("momentum"), 1.5) << "momentum 1.5 is out of range (0 to 1)";
    QTest::newRow("momentum negative") << with(QStringLiteral("momentum"), -0.5)
                                       << "momentum -0.5 is out of range (0 to 1)";
    QTest::newRow("mean above 1") << with(QStringLiteral("mean"), QJsonArray{0.5, 128.0, 0.5})
                                  << "normalisation mean must be on the 0..1 scale";
    QTest::newRow("stepsPerEpoch negative")
        << with(QStringLiteral("stepsPerEpoch"), -1) << "stepsPerEpoch -1 is out of range (0: constant rate, or more)";
}

void TestSessionConfig::invalidConfig()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString actual;
    const std::optional<SessionConfig> parsed = SessionConfig::fromJson(json, &actual);
    QVERIFY(!parsed);
    QCOMPARE(actual, error);
}

void TestSessionConfig::boundariesAccepted_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("batch 1") << with(QStringLiteral("batchSize"), 1);
    QTest::newRow("batch 4096") << with(QStringLiteral("batchSize"), 4096);
    QTest::newRow("size 8") << with(QStringLiteral("height"), 8);
    QTest::newRow("size 4096") << with(QStringLiteral("width"), 4096);
    QTest::newRow("1 channel") << with(QStringLiteral("channels"), 1);
    QTest::newRow("model cnn") << with(QStringLiteral("model"), QStringLiteral("cnn"));
    QTest::newRow("adamw") << with(QStringLiteral("optimizer"), QStringLiteral("adamw"));
    QTest::newRow("tiny lr") << with(QStringLiteral("learningRate"), 1e-9);
    QTest::newRow("fp32 on cpu") << with(QStringLiteral("precision"), QStringLiteral("fp32"));
    QTest::newRow("integral double") << with(QStringLiteral("height"), 32.0);
    QTest::newRow("weight decay 0") << with(QStringLiteral("weightDecay"), 0);
    QTest::newRow("weight decay 1") << with(QStringLiteral("weightDecay"), 1);
    QTest::newRow("momentum 0") << with(QStringLiteral("momentum"), 0);
    QTest::newRow("seed max") << with(QStringLiteral("seed"), QStringLiteral("18446744073709551615"));
}

void TestSessionConfig::boundariesAccepted()
{
    QFETCH(QByteArray, json);
    QString error;
    QVERIFY2(SessionConfig::fromJson(json, &error), qPrintable(error));
}

void TestSessionConfig::infoRoundTrip()
{
    SessionInfo info;
    info.device = QStringLiteral("cuda:0 (NVIDIA H100 80GB HBM3)");
    info.model = QStringLiteral("resnet18");
    info.parameters = 11'689'512;
    info.torchVersion = QStringLiteral("1.13.1");
    info.precision = QStringLiteral("bf16");
    info.note = QStringLiteral("channels_last");
    info.credits = 8;
    info.dataPath = true;
    QString error;
    const std::optional<SessionInfo> parsed = SessionInfo::fromJson(info.toJson(), &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->device, info.device);
    QCOMPARE(parsed->model, info.model);
    QCOMPARE(parsed->parameters, info.parameters);
    QCOMPARE(parsed->torchVersion, info.torchVersion);
    QCOMPARE(parsed->precision, info.precision);
    QCOMPARE(parsed->note, info.note);
    QCOMPARE(parsed->credits, info.credits);
    QCOMPARE(parsed->dataPath, true);
    QCOMPARE(parsed->toJson(), info.toJson());
    QCOMPARE(QJsonDocument::fromJson(info.toJson()).object().keys().size(), 8);
    // An agent from before data-path mode does not say it: that reads as "not offered".
    QCOMPARE(SessionInfo::fromJson(R"({"credits": 4})", &error)->dataPath, false);
}

void TestSessionConfig::invalidInfo_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("no credits") << QByteArray(R"({"device": "cpu"})") << "agent granted 0 credits (expected 1 to 1024)";
    QTest::newRow("1025 credits") << QByteArray(R"({"credits": 1025})")
                                  << "agent granted 1025 credits (expected 1 to 1024)";
    QTest::newRow("negative credits") << QByteArray(R"({"credits": -3})")
                                      << "agent granted -3 credits (expected 1 to 1024)";
    QTest::newRow("dataPath as 1") << QByteArray(R"({"credits": 4, "dataPath": 1})")
                                   << "\"dataPath\" must be a boolean";
    QTest::newRow("invalid JSON") << QByteArray("{") << jsonError("{");
    QTest::newRow("not an object") << QByteArray(R"(["credits", 4])") << "JSON document is not an object";
}

void TestSessionConfig::invalidInfo()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString actual;
    QVERIFY(!SessionInfo::fromJson(json, &actual));
    QCOMPARE(actual, error);
}

void TestSessionConfig::resolvedModel_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::addColumn<QString>("resolved");
    QTest::newRow("auto 28") << "auto" << 28 << 28 << "cnn";
    QTest::newRow("auto 64") << "auto" << 64 << 64 << "cnn";
    QTest::newRow("auto 65") << "auto" << 65 << 65 << "resnet18";
    QTest::newRow("auto 224") << "auto" << 224 << 224 << "resnet18";
    QTest::newRow("auto 28x224: the smaller side decides") << "auto" << 28 << 224 << "cnn";
    QTest::newRow("cnn at 224 stays") << "cnn" << 224 << 224 << "cnn";
    QTest::newRow("resnet18 at 28 stays") << "resnet18" << 28 << 28 << "resnet18";
}

void TestSessionConfig::resolvedModel()
{
    QFETCH(QString, model);
    QFETCH(int, height);
    QFETCH(int, width);
    QFETCH(QString, resolved);
    SessionConfig config;
    config.model = model;
    config.height = height;
    config.width = width;
    QCOMPARE(config.resolvedModel(), resolved);
}

QTEST_GUILESS_MAIN(TestSessionConfig)
#include "tst_session_config.moc"
