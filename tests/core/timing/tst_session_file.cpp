// Tests SessionFile: a lossless round trip, and specific errors for damaged or foreign files.
#include "timing/session_file.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>

using tandem::BatchRecord;
using tandem::EpochPoint;
using tandem::RunRecord;
using tandem::SessionFile;
using tandem::SessionFileError;
using tandem::StepPoint;
using tandem::protocol::Span;
using tandem::protocol::Split;
using tandem::protocol::Stage;

Q_DECLARE_METATYPE(SessionFileError)

namespace {

// A monotonic clock value past 2^53 ns: only integers keep it exact.
constexpr qint64 kOrigin = 9'123'456'789'012'345;

RunRecord sampleRecord()
{
    RunRecord record;
    record.title = QStringLiteral("Fashion-MNIST · cnn · «local»");
    record.startedAt = QDateTime(QDate(2026, 3, 14), QTime(9, 26, 53, 589), Qt::OffsetFromUTC, 3600);
    record.settings = QJsonObject{{QStringLiteral("dataset"), QJsonObject{{QStringLiteral("images"), 600}}},
                                  {QStringLiteral("model"), QStringLiteral("cnn")}};
    record.wallStartNs = kOrigin;
    record.wallEndNs = kOrigin + 2'500'000'001;
    record.clockOffsetNs = -3'200'000'017;
    record.clockUncertaintyNs = 41'003;
    for (quint64 seq = 0; seq < 3; ++seq) {
        BatchRecord batch;
        batch.seq = seq;
        batch.epoch = 1;
        batch.split = seq == 2 ? Split::Val : Split::Train;
        batch.samples = 64;
        batch.wireBytes = 50'177 + qint64(seq);
        const qint64 t = kOrigin + qint64(seq) * 7'000'001;
        batch.spans = {Span{Stage::Read, t, t + 11}, Span{Stage::Decode, t + 11, t + 999},
                       Span{Stage::Network, t + 1000, t + 5000}, Span{Stage::MetricsReturn, t + 6000, t + 6001}};
        record.batches.push_back(batch);
        StepPoint step;
        step.seq = seq;
        step.epoch = 1;
        step.loss = seq == 1 ? std::numeric_limits<float>::quiet_NaN() : 2.5F - float(seq);
        step.learningRate = 0.05F;
        step.samplesPerSecond = 1234.5F;
        step.clientNs = t + 6001;
        record.steps.push_back(step);
    }
    record.epochs.push_back(EpochPoint{1, Split::Train, 1.25F, 0.5F, 128});
    record.epochs.push_back(EpochPoint{1, Split::Val, 1.5F, 0.25F, 64});
    record.outcome = tandem::RunOutcome::Stopped;
    record.outcomeMessage = QStringLiteral("Stopped.");
    return record;
}

QJsonObject sampleObject()
{
    return SessionFile::toJsonObject(sampleRecord());
}

QJsonObject withBatch(QJsonObject object, const std::function<void(QJsonObject &)> &edit)
{
    QJsonArray batches = object.value(QStringLiteral("batches")).toArray();
    QJsonObject first = batches.at(0).toObject();
    edit(first);
    batches.replace(0, first);
    object.insert(QStringLiteral("batches"), batches);
    return object;
}

QByteArray toBytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestSessionFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void rejects_data();
    void rejects();
    void missingFileIsAnIoError();
    void truncatedFileOnDisk();
};

void TestSessionFile::roundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run") + SessionFile::suffix());
    RunRecord original = sampleRecord();
    original.pauses.emplace_back(original.wallStartNs + 1'000'000, original.wallStartNs + 3'000'000);
    const QString error = SessionFile::save(original, path);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const SessionFile::LoadResult loaded = SessionFile::load(path);
    QVERIFY2(loaded.ok(), qPrintable(loaded.message));
    QCOMPARE(loaded.error, SessionFileError::None);
    const RunRecord &run = *loaded.run;
    QCOMPARE(run.title, original.title);
    QCOMPARE(run.startedAt, original.startedAt);
    QCOMPARE(run.startedAt.offsetFromUtc(), 3600);
    QCOMPARE(run.settings, original.settings);
    QCOMPARE(run.wallStartNs, original.wallStartNs);
    QCOMPARE(run.wallEndNs, original.wallEndNs);
    QCOMPARE(run.clockOffsetNs, original.clockOffsetNs);
    QCOMPARE(run.clockUncertaintyNs, original.clockUncertaintyNs);
    QCOMPARE(run.batches.size(), original.batches.size());
    for (size_t i = 0; i < run.batches.size(); ++i) {
        const BatchRecord &a = run.batches[i];
        const BatchRecord &b = original.batches[i];
        QCOMPARE(a.seq, b.seq);
        QCOMPARE(a.epoch, b.epoch);
        QCOMPARE(a.split, b.split);
        QCOMPARE(a.samples, b.samples);
        QCOMPARE(a.wireBytes, b.wireBytes);
        QCOMPARE(a.spans.size(), b.spans.size());
        for (size_t s = 0; s < a.spans.size(); ++s) {
            QCOMPARE(a.spans[s].stage, b.spans[s].stage);
            QCOMPARE(a.spans[s].startNs, b.spans[s].startNs); // to the nanosecond
            QCOMPARE(a.spans[s].endNs, b.spans[s].endNs);
        }
    }
    QCOMPARE(run.steps.size(), original.steps.size());
    QCOMPARE(run.steps[0].loss, original.steps[0].loss);
    QVERIFY(std::isnan(run.steps[1].loss)); // a diverged loss survives as NaN
    QCOMPARE(run.steps[2].clientNs, original.steps[2].clientNs);
    QCOMPARE(run.steps[2].samplesPerSecond, 1234.5F);
    QCOMPARE(run.epochs.size(), size_t(2));
    QCOMPARE(run.epochs[1].split, Split::Val);
    QCOMPARE(run.epochs[1].accuracy, 0.25F);
    QCOMPARE(run.epochs[0].samples, quint32(128));
    QCOMPARE(run.pauses, original.pauses); // paused time stays out of the summary of a reopened run
    QCOMPARE(run.outcome, tandem::RunOutcome::Stopped);
    QCOMPARE(run.outcomeMessage, QStringLiteral("Stopped."));

    // A file from before outcomes were kept still opens, as Unknown.
    QJsonObject older = SessionFile::toJsonObject(original);
    older.remove(QStringLiteral("outcome"));
    const SessionFile::LoadResult old = SessionFile::fromJson(toBytes(older));
    QVERIFY2(old.ok(), qPrintable(old.message));
    QCOMPARE(old.run->outcome, tandem::RunOutcome::Unknown);
}

void TestSessionFile::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<SessionFileError>("error");
    QTest::addColumn<QString>("message");

    const QByteArray valid = toBytes(sampleObject());
    QTest::newRow("truncated") << valid.left(valid.size() / 2) << SessionFileError::NotJson
                               << QStringLiteral("not valid JSON at byte");
    QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n", 8) << SessionFileError::NotJson
                            << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[1, 2]") << SessionFileError::NotASession
                           << QStringLiteral("not a Tandem run: not a JSON object");
    QTest::newRow("other format") << QByteArray(R"({"format":"chrome-trace","version":1})")
                                  << SessionFileError::NotASession
                                  << QStringLiteral("the \"format\" field is not \"tandem-run\"");

    QJsonObject old = sampleObject();
    old.insert(QStringLiteral("version"), 0);
    QTest::newRow("old version") << toBytes(old) << SessionFileError::OlderVersion
                                 << QStringLiteral("written in format version 0 by an older Tandem; "
                                                   "this Tandem reads versions 1 to 1");
    QJsonObject newer = sampleObject();
    newer.insert(QStringLiteral("version"), 7);
    QTest::newRow("newer version") << toBytes(newer) << SessionFileError::NewerVersion
                                   << QStringLiteral("format version 7 by a newer Tandem");
    QJsonObject noVersion = sampleObject();
    noVersion.remove(QStringLiteral("version"));
    QTest::newRow("no version") << toBytes(noVersion) << SessionFileError::BadField
                                << QStringLiteral("the format version is missing");

    QTest::newRow("unknown stage")
        << toBytes(withBatch(
               sampleObject(),
               [](QJsonObject &batch) {
                   batch.insert(QStringLiteral("spans"), QJsonArray{QJsonArray{QStringLiteral("decompress"), 0, 10}});
               }))
        << SessionFileError::BadField << QStringLiteral("batch 0, span 0: unknown stage \"decompress\"");
    QTest::newRow("span backwards")
        << toBytes(withBatch(
               sampleObject(),
               [](QJsonObject &batch) {
                   batch.insert(QStringLiteral("spans"), QJsonArray{QJsonArray{QStringLiteral("read"), 10, 5}});
               }))
        << SessionFileError::BadField << QStringLiteral("batch 0, span 0: ends before it starts");
    QTest::newRow("span not a triple") << toBytes(withBatch(sampleObject(), [](QJsonObject &batch) {
        batch.insert(QStringLiteral("spans"), QJsonArray{QJsonArray{QStringLiteral("read"), 10}});
    })) << SessionFileError::BadField << QStringLiteral("batch 0, span 0: expected [stage, startNs, endNs]");
    QTest::newRow("missing seq") << toBytes(withBatch(sampleObject(),
                                                      [](QJsonObject &batch) { batch.remove(QStringLiteral("seq")); }))
                                 << SessionFileError::BadField << QStringLiteral("batch 0: missing integer \"seq\"");
    QTest::newRow("negative samples") << toBytes(withBatch(sampleObject(), [](QJsonObject &batch) {
        batch.insert(QStringLiteral("samples"), -4);
    })) << SessionFileError::BadField << QStringLiteral("batch 0: \"samples\" is -4, below 0");
    QTest::newRow("fractional bytes") << toBytes(withBatch(sampleObject(), [](QJsonObject &batch) {
        batch.insert(QStringLiteral("wireBytes"), 1.5);
    })) << SessionFileError::BadField << QStringLiteral("batch 0: \"wireBytes\" is not a whole number");
    QTest::newRow("unknown split")
        << toBytes(withBatch(sampleObject(),
                             [](QJsonObject &batch) { batch.insert(QStringLiteral("split"), QStringLiteral("test")); }))
        << SessionFileError::BadField << QStringLiteral("batch 0: unknown split \"test\"");
    QJsonObject badOutcome = sampleObject();
    badOutcome.insert(QStringLiteral("outcome"), QJsonObject{{QStringLiteral("status"), QStringLiteral("exploded")}});
    QTest::newRow("unknown outcome") << toBytes(badOutcome) << SessionFileError::BadField
                                     << QStringLiteral("outcome: unknown status \"exploded\"");
    QJsonObject outcomeNotObject = sampleObject();
    outcomeNotObject.insert(QStringLiteral("outcome"), QStringLiteral("finished"));
    QTest::newRow("outcome not an object")
        << toBytes(outcomeNotObject) << SessionFileError::BadField << QStringLiteral("outcome: not an object");
    QJsonObject noClock = sampleObject();
    noClock.remove(QStringLiteral("clock"));
    QTest::newRow("no clock") << toBytes(noClock) << SessionFileError::BadField
                              << QStringLiteral("missing object \"clock\"");
    QJsonObject badDate = sampleObject();
    badDate.insert(QStringLiteral("startedAt"), QStringLiteral("last Tuesday"));
    QTest::newRow("bad date") << toBytes(badDate) << SessionFileError::BadField
                              << QStringLiteral("\"startedAt\" is not an ISO 8601 date");
    QJsonObject backwardsPause = sampleObject();
    backwardsPause.insert(QStringLiteral("pauses"), QJsonArray{QJsonArray{500, 100}});
    QTest::newRow("pause ending before it starts")
        << toBytes(backwardsPause) << SessionFileError::BadField << QStringLiteral("pause 0: ends before it starts");
    QJsonObject loosePause = sampleObject();
    loosePause.insert(QStringLiteral("pauses"), QJsonArray{QJsonArray{500}});
    QTest::newRow("pause not a pair") << toBytes(loosePause) << SessionFileError::BadField
                                      << QStringLiteral("pause 0: not a [start, end] pair");
}

void TestSessionFile::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(SessionFileError, error);
    QFETCH(QString, message);

    const SessionFile::LoadResult result = SessionFile::fromJson(json);
    QVERIFY(!result.ok());
    QCOMPARE(result.error, error);
    QVERIFY2(result.message.contains(message),
             qPrintable(QStringLiteral("message \"%1\" lacks \"%2\"").arg(result.message, message)));
}

void TestSessionFile::missingFileIsAnIoError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("absent.tandem-run.json"));
    const SessionFile::LoadResult result = SessionFile::load(path);
    QVERIFY(!result.ok());
    QCOMPARE(result.error, SessionFileError::Io);
    QVERIFY(result.message.contains(path));

    const QString saveError = SessionFile::save(sampleRecord(), dir.filePath(QStringLiteral("no/such/dir/x.json")));
    QVERIFY(saveError.startsWith(QStringLiteral("cannot write")));
}

void TestSessionFile::truncatedFileOnDisk()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cut.tandem-run.json"));
    QVERIFY(SessionFile::save(sampleRecord(), path).isEmpty());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - 40));
    file.close();

    const SessionFile::LoadResult result = SessionFile::load(path);
    QCOMPARE(result.error, SessionFileError::NotJson);
    QVERIFY(result.message.startsWith(path + QStringLiteral(": not valid JSON")));
}

QTEST_GUILESS_MAIN(TestSessionFile)
#include "tst_session_file.moc"
