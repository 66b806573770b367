// Tests RunHistory: one file per run, listed newest first with its summary; trash and restore.
#include "timing/run_history.h"
#include "timing/session_file.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using tandem::EpochPoint;
using tandem::RunHistory;
using tandem::RunHistoryEntry;
using tandem::RunOutcome;
using tandem::RunRecord;
using tandem::protocol::Split;

namespace {

RunRecord run(const QString &dataset, QDateTime startedAt, RunOutcome outcome, int epochs)
{
    RunRecord record;
    record.title = QStringLiteral("%1 · cnn on cpu").arg(dataset);
    record.startedAt = startedAt;
    record.settings = QJsonObject{{QStringLiteral("dataset"), QStringLiteral("/data/") + dataset},
                                  {QStringLiteral("trainSamples"), 600},
                                  {QStringLiteral("valSamples"), 200},
                                  {QStringLiteral("session"), QJsonObject{{QStringLiteral("epochs"), 3}}}};
    record.wallStartNs = 1'000'000'000;
    record.wallEndNs = record.wallStartNs + 4'500'000'000;
    for (int e = 1; e <= epochs; ++e) {
        record.epochs.push_back(EpochPoint{quint32(e), Split::Train, 1.0F / float(e), 0.5F + 0.1F * float(e), 600});
        record.epochs.push_back(EpochPoint{quint32(e), Split::Val, 1.1F / float(e), 0.4F + 0.1F * float(e), 200});
    }
    record.outcome = outcome;
    return record;
}

} // namespace

class TestRunHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void summarisesARun()
    {
        const RunRecord record =
            run(QStringLiteral("fashion-mnist"), QDateTime::currentDateTime(), RunOutcome::Stopped, 2);
        const RunHistoryEntry e = RunHistoryEntry::of(record, QStringLiteral("/x.tandem-run.json"));
        QCOMPARE(e.epochs, 2);
        QCOMPARE(e.plannedEpochs, 3);
        QVERIFY(e.finalAccuracy.has_value());
        QCOMPARE(float(*e.finalAccuracy), 0.6F); // the last validation accuracy, not the training one
        QCOMPARE(e.durationNs, qint64(4'500'000'000));
        QCOMPARE(e.outcome, RunOutcome::Stopped);
        QCOMPARE(e.trainSamples, qint64(600));
        QCOMPARE(e.dataset, QStringLiteral("/data/fashion-mnist"));
        QCOMPARE(e.recipe, QString()); // the session config does not say
        RunRecord configured = record;
        configured.settings[QStringLiteral("session")] =
            QJsonObject{{QStringLiteral("optimizer"), QStringLiteral("sgd")},
                        {QStringLiteral("learningRate"), 0.05},
                        {QStringLiteral("batchSize"), 64}};
        QCOMPARE(RunHistoryEntry::of(configured, {}).recipe, QStringLiteral("sgd, lr 0.05, batch 64"));

        RunRecord trainOnly = record;
        trainOnly.epochs.erase(std::remove_if(trainOnly.epochs.begin(), trainOnly.epochs.end(),
                                              [](const EpochPoint &p) { return p.split == Split::Val; }),
                               trainOnly.epochs.end());
        QCOMPARE(float(*RunHistoryEntry::of(trainOnly, {}).finalAccuracy), 0.7F);
        QVERIFY(!RunHistoryEntry::of(RunRecord{}, {}).finalAccuracy.has_value());
    }

    void savesListsTrashesAndRestores()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString folder = dir.filePath(QStringLiteral("runs")); // created by the first save
        const QDateTime t0(QDate(2026, 3, 14), QTime(9, 26, 53));
        const RunRecord older = run(QStringLiteral("Fashion MNIST!"), t0, RunOutcome::Finished, 3);
        const RunRecord newer = run(QStringLiteral("photos"), t0.addSecs(60), RunOutcome::Failed, 1);

        const QString first = RunHistory::newPath(folder, older);
        QCOMPARE(QFileInfo(first).fileName(), QStringLiteral("20260314-092653-fashion-mnist.tandem-run.json"));
        QCOMPARE(RunHistory::save(older, first), QString());
        // Two runs started in the same second get two files.
        const QString twin = RunHistory::newPath(folder, older);
        QVERIFY(twin != first);
        QVERIFY(twin.endsWith(QStringLiteral("-2.tandem-run.json")));
        const QString second = RunHistory::newPath(folder, newer);
        QCOMPARE(RunHistory::save(newer, second), QString());
        QFile junk(QDir(folder).filePath(QStringLiteral("broken.tandem-run.json")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("{\"format\":\"tandem-run\"");
        junk.close();

        RunHistory::Listing listing = RunHistory::scan(folder);
        QCOMPARE(listing.entries.size(), size_t(2));
        QCOMPARE(listing.entries[0].path, second); // newest first
        QCOMPARE(listing.entries[0].outcome, RunOutcome::Failed);
        QCOMPARE(listing.entries[1].epochs, 3);
        QCOMPARE(listing.unreadable.size(), 1);
        QVERIFY(listing.unreadable.first().contains(QStringLiteral("broken.tandem-run.json")));

        QString error;
        const QString trashed = RunHistory::moveToTrash(first, &error);
        QVERIFY2(!trashed.isEmpty(), qPrintable(error));
        QVERIFY(!QFile::exists(first));
        QVERIFY(QFile::exists(trashed));
        QCOMPARE(RunHistory::scan(folder).entries.size(), size_t(1)); // the trash is not listed
        // A new run may not take the name of a trashed one, or undo would have nowhere to go.
        QVERIFY(RunHistory::newPath(folder, older) != first);
        QCOMPARE(RunHistory::restore(trashed, first), QString());
        QCOMPARE(RunHistory::scan(folder).entries.size(), size_t(2));
        QVERIFY(!RunHistory::restore(trashed, first).isEmpty()); // nothing left to restore

        QVERIFY(
            RunHistory::moveToTrash(QDir(folder).filePath(QStringLiteral("gone.tandem-run.json")), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("cannot move")));
        QVERIFY(!RunHistory::moveToTrash(second).isEmpty());
        RunHistory::emptyTrash(folder);
        QVERIFY(!QDir(RunHistory::trashFolder(folder)).exists());
        QCOMPARE(RunHistory::scan(folder).entries.size(), size_t(1));
    }

    void saveReportsAFolderItCannotCreate()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString error =
            RunHistory::save(RunRecord{}, dir.filePath(QStringLiteral("file/runs/a.tandem-run.json")));
        QVERIFY(error.contains(QStringLiteral("cannot create")));
    }
};

QTEST_GUILESS_MAIN(TestRunHistory)
#include "tst_run_history.moc"
