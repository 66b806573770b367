// End to end with the real tandem-agent process over a real WebSocket on 127.0.0.1:
// Fashion-MNIST PNGs → OpenCV preprocessing → wire → libtorch → metrics and weights back.
#include "agent_process.h"
#include "tcp_relay.h"
#include "sample_data.h"
#include "session/training_session.h"
#include "timing/timing_summary.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <set>

using namespace tandem;

namespace {

TrainingOptions smallGrayOptions(const QString &data)
{
    TrainingOptions o;
    o.datasetRoot = data;
    o.preprocess.width = 28;
    o.preprocess.height = 28;
    o.preprocess.color = PreprocessOptions::Color::Gray;
    o.preprocess.crop = PreprocessOptions::Crop::Center;
    o.model = QStringLiteral("cnn");
    o.batchSize = 32;
    o.learningRate = 0.05;
    o.agentMode = AgentMode::Local;
    o.agentProgram = QStringLiteral(TANDEM_AGENT_PATH);
    o.device = QStringLiteral("cpu");
    return o;
}

} // namespace

class TestTrainingSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void threeEpochsReachEightyPercent();
    void brokenImagesAreSkippedAndTrainingGoesOn();
    void wrongSecretIsRefused();
    void stopEndsTheRunAndKeepsTheRecord();
    void aWeightsSaveFailureLeavesTheRunFinished();
    void aSlowLinkDoesNotEndTheRun();
    void aPauseDoesNotChangeTheVerdict();
    void aDivergingLossPausesTheRun();
    void dataPathModeRunsEveryStageButTraining();
};

// A learning rate a thousand times too high (a typed "3" landing in the wrong field did it in
// issue 13): the loss explodes, the run pauses itself with a message, and the user can go on or stop.
void TestTrainingSession::aDivergingLossPausesTheRun()
{
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(500, 100));
    options.epochs = 3;
    options.learningRate = 50.0;
    TrainingSession session;
    QSignalSpy diverged(&session, &TrainingSession::diverged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    session.start(options);
    QTRY_COMPARE_WITH_TIMEOUT(diverged.count(), 1, 60'000);
    QCOMPARE(session.state(), TrainingSession::State::Paused);
    const QString message = diverged.first().at(0).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Training paused: the loss")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("learning rate")), qPrintable(message));
    QVERIFY(finished.isEmpty());

    session.resume(); // the user goes on anyway
    QCOMPARE(session.state(), TrainingSession::State::Training);
    session.stop();
    QCOMPARE(session.state(), TrainingSession::State::Stopped);
    QCOMPARE(finished.count(), 1);
}

// A real run paused for two seconds in its first epoch: the record holds the idle part of the
// pause, the summary counts active time only, and the verdict (the kind of bound) is the one the
// run had before the pause. Before, a compute-bound run read "upload-bound" after a pause.
void TestTrainingSession::aPauseDoesNotChangeTheVerdict()
{
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(500, 100));
    options.epochs = 2;
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy steps(&session, &TrainingSession::stepMetrics);
    session.start(options);
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 40, 60'000);
    const TimingSummary beforePause = session.summary();
    session.pause();
    QTest::qWait(2000); // the pause itself: what is measured is what the record makes of it
    session.resume();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120'000);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

    const RunRecord &record = session.record();
    QCOMPARE(int(record.pauses.size()), 1);
    const TimingSummary summary = TimingSummary::compute(record);
    QVERIFY2(summary.pausedSeconds > 1.0, qPrintable(QString::number(summary.pausedSeconds)));
    const double rawWall = double(record.endNs() - record.originNs()) / 1e9;
    QVERIFY(summary.wallSeconds < rawWall - 1.0);
    const auto kind = [](const QString &verdict) { return verdict.section(QLatin1Char(':'), 0, 0); };
    qInfo("before the pause: %s\nafter: %s (%.2f s paused)", qPrintable(beforePause.verdict),
          qPrintable(summary.verdict), summary.pausedSeconds);
    QCOMPARE(kind(summary.verdict), kind(beforePause.verdict));
}

void TestTrainingSession::threeEpochsReachEightyPercent()
{
    QTemporaryDir out;
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(500, 100));
    options.epochs = 3;
    options.weightsPath = out.filePath(QStringLiteral("weights.pt"));

    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy steps(&session, &TrainingSession::stepMetrics);
    QSignalSpy saved(&session, &TrainingSession::weightsSaved);
    session.start(options);
    QVERIFY2(finished.wait(300'000), "the run did not finish within 5 minutes");
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(session.state(), TrainingSession::State::Finished);

    const RunRecord &record = session.record();
    // 5000 training images in batches of 32 → 157 steps per epoch.
    QCOMPARE(int(record.steps.size()), 3 * 157);
    QCOMPARE(steps.count(), 3 * 157);
    std::vector<EpochPoint> train;
    std::vector<EpochPoint> val;
    for (const EpochPoint &e : record.epochs)
        (e.split == protocol::Split::Train ? train : val).push_back(e);
    QCOMPARE(int(train.size()), 3);
    QCOMPARE(int(val.size()), 3);
    for (const EpochPoint &e : val)
        QCOMPARE(e.samples, 1000U);
    qInfo("validation accuracy per epoch: %.1f%% %.1f%% %.1f%%; train loss %.3f → %.3f", 100.0 * val[0].accuracy,
          100.0 * val[1].accuracy, 100.0 * val[2].accuracy, double(train[0].meanLoss), double(train[2].meanLoss));
    QVERIFY2(val.back().accuracy >= 0.80F,
             qPrintable(QStringLiteral("final validation accuracy %1").arg(val.back().accuracy)));
    QVERIFY(train[2].meanLoss < train[0].meanLoss);

    // Weights came back and were saved.
    QCOMPARE(saved.count(), 1);
    QVERIFY(QFileInfo(options.weightsPath).size() > 10'000);

    // Every batch has spans of every stage on both hosts, on one timeline.
    QCOMPARE(int(record.batches.size()), 3 * (157 + 32));
    for (const BatchRecord &b : record.batches) {
        std::set<protocol::Stage> stages;
        for (const protocol::Span &s : b.spans) {
            QVERIFY(s.endNs >= s.startNs);
            stages.insert(s.stage);
        }
        const bool train = b.split == protocol::Split::Train;
        for (protocol::Stage required :
             {protocol::Stage::Read, protocol::Stage::Decode, protocol::Stage::Transform, protocol::Stage::Encode,
              protocol::Stage::CreditWait, protocol::Stage::Send, protocol::Stage::Network, protocol::Stage::Receive,
              protocol::Stage::Unpack, protocol::Stage::QueueWait, protocol::Stage::HostToDevice,
              protocol::Stage::Forward, protocol::Stage::MetricsReturn})
            QVERIFY2(stages.count(required), protocol::stageInfo(required).key.data());
        QCOMPARE(bool(stages.count(protocol::Stage::Backward)), train);
        QCOMPARE(bool(stages.count(protocol::Stage::OptimizerStep)), train);
        // Mapped with a real estimate, and the run's bound covers it.
        QVERIFY(b.clockUncertaintyNs > 0);
        QVERIFY(b.clockUncertaintyNs <= record.clockUncertaintyNs);
    }

    const TimingSummary summary = session.summary();
    qInfo("end to end: %.1f samples/s, wall %.2f s, sum of stage busy times %.2f s (%.2fx), slowest stage %.2f s, "
          "overlap efficiency %.2f; %s",
          summary.samplesPerSecond, summary.wallSeconds, summary.sequentialSeconds, summary.sequentialOverWall,
          summary.slowestStageBusySeconds, summary.overlapEfficiency, qPrintable(summary.verdict));
    QVERIFY(summary.samplesPerSecond > 0.0);
    // Pipelining: while the agent computes one batch, the desktop is already preprocessing a
    // later one. Count the batches whose preprocessing overlaps another batch's forward/backward.
    std::vector<std::pair<qint64, qint64>> compute;
    for (const BatchRecord &b : record.batches)
        for (const protocol::Span &s : b.spans)
            if (s.stage == protocol::Stage::Forward || s.stage == protocol::Stage::Backward)
                compute.emplace_back(s.startNs, s.endNs);
    int overlapped = 0;
    for (const BatchRecord &b : record.batches)
        for (const protocol::Span &s : b.spans)
            if (s.stage == protocol::Stage::Decode && std::any_of(compute.begin(), compute.end(), [&](const auto &c) {
                    return c.first < s.endNs && s.startNs < c.second;
                })) {
                ++overlapped;
                break;
            }
    qInfo("%d of %d batches were preprocessed while the agent computed another", overlapped,
          int(record.batches.size()));
    QVERIFY(overlapped > int(record.batches.size()) / 2);
}

void TestTrainingSession::brokenImagesAreSkippedAndTrainingGoesOn()
{
    // A copy of a small sample with broken files planted among the real ones.
    QTemporaryDir data;
    const QString source = testsupport::fashionMnist(30, 10);
    QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-r"), source + QStringLiteral("/."), data.path()});
    const QString classDir = data.filePath(QStringLiteral("train/Bag"));
    QVERIFY(QDir(classDir).exists());
    QFile empty(classDir + QStringLiteral("/empty.png"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    // A real PNG cut in half: it passes the index (valid signature) and fails at decode.
    const QStringList pngs = QDir(classDir).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    QFile whole(classDir + QLatin1Char('/') + pngs.constLast());
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();
    QFile truncated(classDir + QStringLiteral("/truncated.png"));
    QVERIFY(truncated.open(QIODevice::WriteOnly));
    truncated.write(bytes.left(bytes.size() / 3));
    truncated.close();

    TrainingOptions options = smallGrayOptions(data.path());
    options.epochs = 1;
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy failures(&session, &TrainingSession::sampleFailed);
    session.start(options);
    QVERIFY(finished.wait(120'000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

    QStringList failedPaths;
    for (const QList<QVariant> &args : failures)
        failedPaths << args.at(0).value<SkippedFile>().path + QStringLiteral(": ") +
                           args.at(0).value<SkippedFile>().reason;
    QVERIFY2(failedPaths.filter(QStringLiteral("empty.png")).size() == 1,
             qPrintable(failedPaths.join(QLatin1Char('\n'))));
    QVERIFY2(failedPaths.filter(QStringLiteral("truncated.png")).size() == 1,
             qPrintable(failedPaths.join(QLatin1Char('\n'))));
    // Every other image was trained on: 300 real training images, one epoch.
    qint64 trained = 0;
    for (const BatchRecord &b : session.record().batches)
        if (b.split == protocol::Split::Train)
            trained += b.samples;
    QCOMPARE(trained, qint64(300));
}

void TestTrainingSession::wrongSecretIsRefused()
{
    // A real agent with one secret; the session dials it with another.
    AgentProcess agent(QByteArrayLiteral("the-right-secret-4Rg7Kq2Zx9Lw3Vb8"));
    QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
    const QUrl url = agent.url();

    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(30, 10));
    options.agentMode = AgentMode::Dial;
    options.agentUrl = url;
    options.secret = "not-the-secret";
    TrainingSession session;
    QSignalSpy failed(&session, &TrainingSession::connectionFailed);
    QSignalSpy finished(&session, &TrainingSession::finished);
    session.start(options);
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::WrongSecret);
    QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("secret")),
             qPrintable(failed.first().at(1).toString()));
    QCOMPARE(session.state(), TrainingSession::State::Failed);
    QVERIFY(agent.isRunning()); // the agent keeps serving
}

void TestTrainingSession::stopEndsTheRunAndKeepsTheRecord()
{
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(500, 100));
    options.epochs = 3;
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy steps(&session, &TrainingSession::stepMetrics);
    session.start(options);
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 5, 60'000);
    session.stop();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(session.state(), TrainingSession::State::Stopped);
    QVERIFY(session.record().steps.size() >= 5);
    QVERIFY(session.record().wallEndNs > session.record().wallStartNs);
}

// A run of 20 epochs once ended "Failed" because ~/Documents did not exist. The run is Finished
// whatever happens to the file; the weights stay in memory until Save As writes them.
void TestTrainingSession::aWeightsSaveFailureLeavesTheRunFinished()
{
    QTemporaryDir out;
    QFile blocker(out.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly) && blocker.write("a file where a folder should be") > 0);
    blocker.close();
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(20, 10));
    options.epochs = 1;
    options.weightsPath = out.filePath(QStringLiteral("not-a-folder/weights.pt"));

    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy notSaved(&session, &TrainingSession::weightsNotSaved);
    QSignalSpy saved(&session, &TrainingSession::weightsSaved);
    session.start(options);
    QVERIFY2(finished.wait(120'000), "the run did not finish within 2 minutes");
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(session.state(), TrainingSession::State::Finished);
    QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("the weights were not saved")));
    QCOMPARE(notSaved.count(), 1);
    QCOMPARE(notSaved.first().at(0).toString(), options.weightsPath);
    QVERIFY(!notSaved.first().at(1).toString().isEmpty());
    QCOMPARE(saved.count(), 0);
    QVERIFY(session.hasUnsavedWeights());

    const QString elsewhere = out.filePath(QStringLiteral("kept/weights.pt"));
    session.saveWeightsAs(elsewhere);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 30'000);
    QCOMPARE(saved.first().at(0).toString(), elsewhere);
    QVERIFY(QFileInfo(elsewhere).size() > 10'000);
    QCOMPARE(QFileInfo(elsewhere).size(), saved.first().at(1).toLongLong());
    QVERIFY(!session.hasUnsavedWeights());
}

QTEST_GUILESS_MAIN(TestTrainingSession)
#include "tst_training_session.moc"

// Behind a 5 MB/s link, 224 px batches once piled up in the socket's buffer, as many
// as the credits allowed, until the client's own bound for a peer that does not read ended the run
// ("the peer is not reading: 17777722 bytes wait to be sent"). Batches now wait in the producer's
// queue while the link is behind, and the run finishes.
void TestTrainingSession::aSlowLinkDoesNotEndTheRun()
{
    AgentProcess agent;
    QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
    TcpRelay relay(QHostAddress::LocalHost, quint16(agent.url().port()));
    relay.setRate(5'000'000);
    QVERIFY(relay.listen());

    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(20, 10));
    options.preprocess.width = options.preprocess.height = 224;
    options.preprocess.color = PreprocessOptions::Color::Rgb;
    options.epochs = 1;
    // 9.6 MB batches: three of them queued (the agent grants four credits) pass the 16 MiB bound even
    // with the kernel's own send buffer (up to 4 MB) full.
    options.batchSize = 64;
    options.agentMode = AgentMode::Dial;
    options.agentUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(relay.port()));
    options.secret = agent.secret();
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy failed(&session, &TrainingSession::connectionFailed);
    session.start(options);
    QVERIFY(finished.wait(300'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
    QCOMPARE(finished.first().at(0).toBool(), true);
    const RunRecord &record = session.record();
    qint64 samples = 0;
    for (const BatchRecord &batch : record.batches)
        samples += batch.samples;
    QCOMPARE(samples, qint64(300)); // 200 train + 100 validation
    QVERIFY(relay.forwardedBytes() > 300 * 224 * 224 * 3);
}

// Data-path mode end to end: every sample crosses the wire and reaches the agent's device, nothing
// is trained, so there is no loss or accuracy to chart and no forward, backward or step span.
void TestTrainingSession::dataPathModeRunsEveryStageButTraining()
{
    TrainingOptions options = smallGrayOptions(testsupport::fashionMnist(30, 10));
    options.epochs = 2;
    options.dataPathOnly = true;
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QSignalSpy steps(&session, &TrainingSession::stepMetrics);
    QSignalSpy epochs(&session, &TrainingSession::epochMetrics);
    session.start(options);
    QVERIFY(finished.wait(120'000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QVERIFY(session.agentInfo() && session.agentInfo()->dataPath);
    QCOMPARE(steps.count(), 0);
    QCOMPARE(epochs.count(), 0);
    const RunRecord &record = session.record();
    qint64 samples = 0;
    for (const BatchRecord &batch : record.batches) {
        samples += batch.samples;
        std::set<protocol::Stage> stages;
        for (const protocol::Span &span : batch.spans)
            stages.insert(span.stage);
        QVERIFY(stages.count(protocol::Stage::HostToDevice));
        QVERIFY(stages.count(protocol::Stage::Send));
        QVERIFY(!stages.count(protocol::Stage::Forward) && !stages.count(protocol::Stage::Backward) &&
                !stages.count(protocol::Stage::OptimizerStep));
    }
    QCOMPARE(samples, qint64(2 * (300 + 100)));
    QVERIFY(record.settings.value(QStringLiteral("session")).toObject().value(QStringLiteral("dataPath")).toBool());
}
