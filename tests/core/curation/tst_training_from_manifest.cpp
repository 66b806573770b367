// Training from a curated manifest with the real tandem-agent: only the included images are sent,
// with their new labels, and no export is needed. Fashion-MNIST from dataset-fashion-mnist.
#include "curation/manifest_document.h"
#include "sample_data.h"
#include "session/training_session.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <set>

using namespace tandem;

class TestTrainingFromManifest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trainsOnIncludedImagesWithNewLabels();
};

void TestTrainingFromManifest::trainsOnIncludedImagesWithNewLabels()
{
    const QString data = testsupport::fashionMnist(20, 10);
    const DatasetIndex scanned = DatasetIndex::scan(data);
    QVERIFY2(scanned.error().isEmpty(), qPrintable(scanned.error()));
    QCOMPARE(scanned.classNames().size(), 10);

    ManifestDocument document;
    document.setManifest(DatasetManifest::fromIndex(scanned));
    // Curate: exclude the training images of one class and half the validation images, then put
    // every remaining image in a new class. If the agent saw the scanned labels, one epoch could
    // not score 100 %; with the new ones the answer is always the same class.
    std::vector<int> excluded;
    std::vector<int> kept;
    int valSeen = 0;
    for (size_t i = 0; i < document.manifest().entries.size(); ++i) {
        const ManifestEntry &entry = document.manifest().entries[i];
        const bool drop = (entry.split == SampleSplit::Train && entry.originalClass == QLatin1String("Bag")) ||
                          (entry.split == SampleSplit::Val && valSeen++ % 2 == 0);
        (drop ? excluded : kept).push_back(int(i));
    }
    QVERIFY(document.setIncluded(excluded, false).isEmpty());
    QVERIFY(document.addClass(QStringLiteral("everything")).isEmpty());
    QVERIFY(document.relabel(kept, 10).isEmpty());
    const auto counts = document.manifest().counts();
    QCOMPARE(counts[10][0], qint64(9 * 20)); // train
    QCOMPARE(counts[10][1], qint64(50));     // val
    QCOMPARE(document.manifest().includedCount(), qint64(230));

    TrainingOptions options;
    options.datasetRoot = data;
    options.preprocess.width = 28;
    options.preprocess.height = 28;
    options.preprocess.color = PreprocessOptions::Color::Gray;
    options.model = QStringLiteral("cnn");
    options.batchSize = 32;
    options.learningRate = 0.05;
    options.epochs = 1;
    options.agentMode = AgentMode::Local;
    options.agentProgram = QStringLiteral(TANDEM_AGENT_PATH);
    options.device = QStringLiteral("cpu");

    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy failedSamples(&session, &TrainingSession::sampleFailed);
    session.start(options, document.manifest().toIndex());
    QVERIFY2(finished.wait(240'000), "the run did not finish within 4 minutes");
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(failedSamples.count(), 0);

    // Only the included images went out.
    std::set<QString> excludedPaths;
    for (int i : excluded)
        excludedPaths.insert(document.manifest().absolutePath(document.manifest().entries[size_t(i)]));
    QCOMPARE(session.index().samples().size(), size_t(230));
    for (const IndexedSample &sample : session.index().samples()) {
        QVERIFY(!excludedPaths.count(sample.path));
        QCOMPARE(sample.label, 10);
    }
    const RunRecord &record = session.record();
    QCOMPARE(int(record.steps.size()), (180 + 31) / 32);
    const QJsonArray classes = record.settings.value(QStringLiteral("classes")).toArray();
    QCOMPARE(classes.size(), 11);
    QCOMPARE(classes.last().toString(), QStringLiteral("everything"));
    QCOMPARE(record.settings.value(QStringLiteral("trainSamples")).toInt(), 180);
    QCOMPARE(record.settings.value(QStringLiteral("valSamples")).toInt(), 50);
    bool sawVal = false;
    for (const EpochPoint &e : record.epochs) {
        if (e.split != protocol::Split::Val)
            continue;
        sawVal = true;
        QCOMPARE(e.samples, 50U);
        qInfo("validation accuracy on the relabelled set: %.1f%%", 100.0 * e.accuracy);
        QVERIFY2(e.accuracy >= 0.99F, qPrintable(QStringLiteral("accuracy %1").arg(e.accuracy)));
    }
    QVERIFY(sawVal);
}

QTEST_GUILESS_MAIN(TestTrainingFromManifest)
#include "tst_training_from_manifest.moc"
