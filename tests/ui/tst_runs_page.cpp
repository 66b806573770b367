// The Runs tab against the real local agent: Start keeps the earlier run, the list reopens,
// compares, exports and deletes runs, and a curated Start trains the included images only.
#include "class_balance_model.h"
#include "class_list_panel.h"
#include "curation_page.h"
#include "dashboard_view.h"
#include "dataset_page.h"
#include "live_line_chart.h"
#include "main_window.h"
#include "message_area.h"
#include "run_compare_view.h"
#include "run_history_model.h"
#include "runs_page.h"
#include "settings/settings_store.h"
#include "theme.h"
#include "timing/run_history.h"
#include "timing/session_file.h"
#include "training_page.h"
#include "agent_process.h"
#include "sample_data.h"
#include "secret_field.h"
#include "uitest_support.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QLineSeries>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <set>

using namespace tandem;

namespace {
constexpr int kTrainPerClass = 60;
constexpr int kValPerClass = 20;
constexpr int kRunMs = 90000;
} // namespace

class TestRunsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
#ifdef TANDEM_AGENT_PATH
        qputenv("TANDEM_AGENT", TANDEM_AGENT_PATH);
#endif
    }

    // Each test starts with no history and no saved curation (test mode's data folder persists).
    void init()
    {
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    }

    void startAfterARunKeepsTheEarlierRun()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        MainWindow window(settingsFile(QStringLiteral("keep.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        RunsPage *runs = window.runsPage();
        RunHistoryModel *history = runs->model();
        QCOMPARE(history->folder(), RunHistory::defaultFolder());
        QSignalSpy finished(window.session(), &TrainingSession::finished);
        window.openDataset(testsupport::fashionMnist(kTrainPerClass, kValPerClass), true);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kRunMs);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTRY_COMPARE(history->rowCount(), 1);
        QTRY_VERIFY(!history->isSaving());
        const QString firstPath = history->entryAt(0)->path;
        QVERIFY(QFile::exists(firstPath));
        QCOMPARE(QFileInfo(firstPath).absolutePath(), QDir(RunHistory::defaultFolder()).absolutePath());
        QCOMPARE(history->entryAt(0)->outcome, RunOutcome::Finished);
        QCOMPARE(history->entryAt(0)->epochs, 1);
        QVERIFY(history->entryAt(0)->finalAccuracy.has_value());
        QCOMPARE(history->data(history->index(0, RunHistoryModel::StatusColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("Finished"));
        const size_t firstSteps = window.session()->record().steps.size();
        QVERIFY(firstSteps > 0);

        // Start again: a second file, and the first one is still there, whole.
        window.startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kRunMs);
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        QTRY_COMPARE(history->rowCount(), 2);
        QTRY_VERIFY(!history->isSaving());
        QCOMPARE(history->entryAt(1)->path, firstPath); // newest first
        const QString secondPath = history->entryAt(0)->path;
        QVERIFY(secondPath != firstPath);
        QVERIFY(QFile::exists(firstPath) && QFile::exists(secondPath));
        const SessionFile::LoadResult first = SessionFile::load(firstPath);
        QVERIFY2(first.ok(), qPrintable(first.message));
        QCOMPARE(first.run->steps.size(), firstSteps);
        QCOMPARE(first.run->outcome, RunOutcome::Finished);

        // Compare: both runs' curves in the overlay charts.
        QSignalSpy compared(runs, &RunsPage::compared);
        QVERIFY(runs->compareRows(0, 1));
        QTRY_COMPARE(compared.size(), 1);
        RunCompareView *compare = runs->compareView();
        QVERIFY(compare->hasRuns());
        QCOMPARE(compare->metrics(0).steps(), qint64(firstSteps)); // A is the older run
        QCOMPARE(compare->metrics(1).steps(), qint64(window.session()->record().steps.size()));
        window.tabs()->setCurrentWidget(runs);
        compare->lossChart()->redraw();
        compare->accuracyChart()->redraw();
        QVERIFY(compare->lossChart()->series(0)->count() > 0);
        QVERIFY(compare->lossChart()->series(1)->count() > 0);
        QCOMPARE(compare->accuracyChart()->series(0)->count(), 1); // one validation point per epoch
        QCOMPARE(compare->accuracyChart()->series(1)->count(), 1);
        // ... and the report compare of `tandem report A B`.
        const QString html = m_dir.filePath(QStringLiteral("compare.html"));
        QSignalSpy written(runs, &RunsPage::comparisonWritten);
        QVERIFY(runs->writeComparisonTo(html));
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 30000);
        QVERIFY(QFileInfo(html).size() > 1000);

        // Reopen the older run into the dashboard.
        QSignalSpy opened(runs, &RunsPage::openRequested);
        QVERIFY(runs->openRow(1));
        QTRY_COMPARE(opened.size(), 1);
        QCOMPARE(window.tabs()->currentWidget(), window.trainingPage());
        QCOMPARE(window.trainingPage()->dashboard()->metrics().steps(), qint64(firstSteps));

        // Export it again.
        const QString reports = m_dir.filePath(QStringLiteral("again"));
        QSignalSpy exported(runs, &RunsPage::exported);
        QVERIFY(runs->exportRowTo(1, reports));
        QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 60000);
        QVERIFY(exported.first().at(0).toBool());
        QCOMPARE(QDir(reports).entryList({QStringLiteral("*.html")}, QDir::Files).size(), 1);

        // Delete one, undo, delete again; the list survives a restart of the app.
        QCOMPARE(runs->deleteRows({1}), QString());
        QCOMPARE(history->rowCount(), 1);
        QVERIFY(!QFile::exists(firstPath));
        QVERIFY(window.messageArea()->texts().join(QLatin1Char('\n')).contains(QStringLiteral("Deleted 1 run")));
        runs->undoDeleteAction()->trigger();
        QTRY_COMPARE(history->rowCount(), 2);
        QVERIFY(QFile::exists(firstPath));
        QCOMPARE(runs->deleteRows({0}), QString());
        QVERIFY(!QFile::exists(secondPath));

        RunHistoryModel reopened;
        QSignalSpy refreshed(&reopened, &RunHistoryModel::refreshed);
        QTRY_COMPARE(refreshed.size(), 1);
        QCOMPARE(reopened.rowCount(), 1);
        QCOMPARE(reopened.entryAt(0)->path, firstPath);
        QVERIFY(!QDir(RunHistory::trashFolder(reopened.folder())).exists()); // emptied at start
#endif
    }

    void curatedStartTrainsTheIncludedImagesOnly()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        MainWindow window(settingsFile(QStringLiteral("curated.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(testsupport::fashionMnist(kTrainPerClass, kValPerClass));
        QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 60000);
        QVERIFY(!window.startTrainsCurated());
        ClassListPanel *classes = window.datasetPage()->classPanel();
        QCOMPARE(classes->model()->total(SampleSplit::Train), qint64(10 * kTrainPerClass));

        // Exclude the training images of class 0 and two validation images of class 1.
        ManifestDocument *document = window.curationPage()->document();
        std::vector<int> excluded;
        int val1 = 0;
        const DatasetManifest &manifest = document->manifest();
        for (int i = 0; i < int(manifest.entries.size()); ++i) {
            const ManifestEntry &e = manifest.entries[size_t(i)];
            if (e.label == 0 && e.split == SampleSplit::Train)
                excluded.push_back(i);
            else if (e.label == 1 && e.split == SampleSplit::Val && val1 < 2 && ++val1)
                excluded.push_back(i);
        }
        QCOMPARE(document->setIncluded(excluded, false), QString());
        QVERIFY(window.startTrainsCurated());
        const qint64 train = 9 * kTrainPerClass;
        const qint64 val = 10 * kValPerClass - 2;
        // The Dataset tab counts what Start trains.
        QVERIFY(classes->showsCuratedCounts());
        QCOMPARE(classes->model()->total(SampleSplit::Train), train);
        QCOMPARE(classes->model()->total(SampleSplit::Val), val);

        QSignalSpy finished(window.session(), &TrainingSession::finished);
        window.startAction()->trigger(); // the toolbar's Start, not "Train on Curated Dataset"
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kRunMs);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        const RunRecord &record = window.session()->record();
        QCOMPARE(qint64(window.session()->index().samples().size()), train + val);
        QCOMPARE(qint64(record.settings.value(QStringLiteral("trainSamples")).toDouble()), train);
        QCOMPARE(qint64(record.settings.value(QStringLiteral("valSamples")).toDouble()), val);
        // What the agent saw: its epoch summaries count the samples it trained and evaluated.
        std::set<QString> paths;
        for (const IndexedSample &s : window.session()->index().samples())
            paths.insert(s.path);
        for (int i : excluded)
            QVERIFY(!paths.count(manifest.absolutePath(manifest.entries[size_t(i)])));
        qint64 agentTrain = 0;
        qint64 agentVal = 0;
        for (const EpochPoint &e : record.epochs)
            (e.split == protocol::Split::Train ? agentTrain : agentVal) += e.samples;
        QCOMPARE(agentTrain, train);
        QCOMPARE(agentVal, val);
        qint64 batched = 0;
        for (const BatchRecord &b : record.batches)
            batched += b.samples;
        QCOMPARE(batched, train + val);

        // The run is in the history with the curated counts.
        RunHistoryModel *history = window.runsPage()->model();
        QTRY_COMPARE(history->rowCount(), 1);
        QTRY_VERIFY(!history->isSaving());
        QCOMPARE(history->entryAt(0)->trainSamples, train);

        // Undoing the edits makes Start train the folders again, and the counts follow.
        document->undoStack()->undo();
        QVERIFY(!window.startTrainsCurated());
        QVERIFY(!classes->showsCuratedCounts());
        QCOMPARE(classes->model()->total(SampleSplit::Train), qint64(10 * kTrainPerClass));
#endif
    }

    void stoppedAndFailedRunsAreKept()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        MainWindow window(settingsFile(QStringLiteral("ends.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        RunHistoryModel *history = window.runsPage()->model();
        QSignalSpy finished(window.session(), &TrainingSession::finished);
        QSignalSpy steps(window.session(), &TrainingSession::stepMetrics);
        window.openDataset(testsupport::fashionMnist(kTrainPerClass, kValPerClass), true);
        QTRY_VERIFY_WITH_TIMEOUT(!steps.isEmpty(), kRunMs);
        window.stopAction()->trigger();
        QCOMPARE(finished.size(), 1);
        QTRY_COMPARE(history->rowCount(), 1);
        QTRY_VERIFY(!history->isSaving());
        QCOMPARE(history->entryAt(0)->outcome, RunOutcome::Stopped);
        QCOMPARE(SessionFile::load(history->entryAt(0)->path).run->outcome, RunOutcome::Stopped);

        // A refused connection fails the run; it is kept too, saying why.
        AgentProcess agent(QByteArrayLiteral("right-4Rg7Kq2Zx9Lw3Vb8"));
        QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
        window.findChild<QRadioButton *>(QStringLiteral("modeDial"))->setChecked(true);
        window.findChild<QLineEdit *>(QStringLiteral("agentUrl"))->setText(agent.url().toString());
        window.findChild<SecretField *>()->setSecret("wrong-4Rg7Kq2Zx9Lw3Vb8");
        window.startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QTRY_COMPARE(history->rowCount(), 2);
        QTRY_VERIFY(!history->isSaving());
        const RunHistoryEntry *failed = history->entryAt(0);
        QCOMPARE(failed->outcome, RunOutcome::Failed);
        QVERIFY(!failed->outcomeMessage.isEmpty());
        QCOMPARE(history->data(history->index(0, RunHistoryModel::StatusColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("Failed"));
#endif
    }

    // A file that still says "running" after the app went away was cut off.
    void aRunCutOffReadsAsInterrupted()
    {
        RunRecord record;
        record.title = QStringLiteral("cut off");
        record.startedAt = QDateTime::currentDateTime();
        record.outcome = RunOutcome::Running;
        const QString path = RunHistory::newPath(RunHistory::defaultFolder(), record);
        QCOMPARE(RunHistory::save(record, path), QString());
        RunHistoryModel history;
        QSignalSpy refreshed(&history, &RunHistoryModel::refreshed);
        QTRY_COMPARE(refreshed.size(), 1);
        QCOMPARE(history.rowCount(), 1);
        QCOMPARE(history.data(history.index(0, RunHistoryModel::StatusColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("Interrupted"));
    }

private:
    QString settingsFile(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        SettingsStore settings(path);
        TrainingOptions options;
        options.model = QStringLiteral("cnn");
        options.epochs = 1;
        options.batchSize = 32;
        options.preprocess.width = options.preprocess.height = 28;
        options.preprocess.color = PreprocessOptions::Color::Gray;
        options.device = QStringLiteral("cpu");
        settings.setTrainingOptions(options);
        settings.setSaveWeights(false);
        return path;
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestRunsPage)
#include "tst_runs_page.moc"
