// SettingsStore: options survive a round trip, bad values fall back, the secret is never stored.
#include "settings/settings_store.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestSettingsStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("s.ini"));
        TrainingOptions o;
        o.model = QStringLiteral("resnet18");
        o.epochs = 12;
        o.batchSize = 256;
        o.optimizer = QStringLiteral("adamw");
        o.learningRate = 0.0003;
        o.weightDecay = 0.01;
        o.seed = 42;
        o.index.valFraction = 0.2;
        o.index.perClassLimit = 500;
        o.threads = 3;
        o.device = QStringLiteral("cuda");
        o.precision = QStringLiteral("bf16");
        o.preprocess.width = 96;
        o.preprocess.height = 64;
        o.preprocess.color = PreprocessOptions::Color::Gray;
        o.preprocess.crop = PreprocessOptions::Crop::RandomResized;
        o.preprocess.horizontalFlip = true;
        o.agentMode = AgentMode::Listen;
        o.listenHost = QStringLiteral("0.0.0.0");
        o.listenPort = 9000;
        o.agentUrl = QUrl(QStringLiteral("wss://user:pw@x.example/path"));
        o.secret = "top-secret";
        o.weightsPath = QStringLiteral("/tmp/w.pt");
        {
            SettingsStore store(file);
            store.setTrainingOptions(o);
            store.setSaveWeights(false);
            store.sync();
        }
        SettingsStore store(file);
        const TrainingOptions r = store.trainingOptions();
        QCOMPARE(r.model, o.model);
        QCOMPARE(r.epochs, 12);
        QCOMPARE(r.batchSize, 256);
        QCOMPARE(r.optimizer, o.optimizer);
        QCOMPARE(r.learningRate, 0.0003);
        QCOMPARE(r.weightDecay, 0.01);
        QCOMPARE(r.seed, quint64(42));
        QCOMPARE(r.index.seed, quint64(42));
        QCOMPARE(r.index.valFraction, 0.2);
        QCOMPARE(r.index.perClassLimit, 500);
        QCOMPARE(r.threads, 3);
        QCOMPARE(r.device, o.device);
        QCOMPARE(r.precision, o.precision);
        QVERIFY(r.preprocess == o.preprocess);
        QCOMPARE(r.agentMode, AgentMode::Listen);
        QCOMPARE(r.listenHost, o.listenHost);
        QCOMPARE(r.listenPort, quint16(9000));
        QCOMPARE(r.agentUrl.toString(), QStringLiteral("wss://x.example/path"));
        QVERIFY(r.secret.isEmpty());
        QCOMPARE(r.weightsPath, o.weightsPath);
        QVERIFY(!store.saveWeights());
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray text = raw.readAll();
        QVERIFY(!text.contains("top-secret"));
        QVERIFY(!text.contains("pw@"));
    }

    void badValuesFallBack()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("bad.ini"));
        {
            QSettings raw(file, QSettings::IniFormat);
            raw.setValue(QStringLiteral("training/epochs"), -3);
            raw.setValue(QStringLiteral("training/model"), QStringLiteral("gpt"));
            raw.setValue(QStringLiteral("training/learningRate"), QStringLiteral("nan"));
            raw.setValue(QStringLiteral("agent/mode"), QStringLiteral("teleport"));
            raw.setValue(QStringLiteral("preprocess/json"), QStringLiteral("{not json"));
        }
        SettingsStore store(file);
        const TrainingOptions defaults;
        const TrainingOptions r = store.trainingOptions();
        QCOMPARE(r.epochs, defaults.epochs);
        QCOMPARE(r.model, defaults.model);
        QCOMPARE(r.learningRate, defaults.learningRate);
        QCOMPARE(r.agentMode, AgentMode::Local);
        QVERIFY(r.preprocess == defaults.preprocess);
    }

    void recentDatasets()
    {
        QTemporaryDir dir;
        SettingsStore store(dir.filePath(QStringLiteral("r.ini")));
        for (int i = 0; i < SettingsStore::kMaxRecent + 3; ++i)
            store.addRecentDataset(QStringLiteral("/data/set%1").arg(i));
        store.addRecentDataset(QStringLiteral("/data/set3/")); // again, newest first, no duplicate
        const QStringList recent = store.recentDatasets();
        QCOMPARE(recent.size(), SettingsStore::kMaxRecent);
        QCOMPARE(recent.first(), QStringLiteral("/data/set3"));
        QCOMPARE(recent.count(QStringLiteral("/data/set3")), 1);
        store.removeRecentDataset(QStringLiteral("/data/set3"));
        QVERIFY(!store.recentDatasets().contains(QStringLiteral("/data/set3")));
        store.clearRecentDatasets();
        QVERIFY(store.recentDatasets().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSettingsStore)
#include "tst_settings_store.moc"
