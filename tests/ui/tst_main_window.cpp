// The window: restores its settings, trains against the real local agent, shows refusals.
#include "connection_panel.h"
#include "dashboard_view.h"
#include "dataset_page.h"
#include "live_line_chart.h"
#include "dataset_model.h"
#include "main_window.h"
#include "message_area.h"
#include "settings/settings_store.h"
#include "secret_field.h"
#include "stage_latency_chart.h"
#include "theme.h"
#include "thumbnail_grid.h"
#include "training_page.h"
#include "run_history_model.h"
#include "runs_page.h"
#include "timing/run_history.h"
#include "timing/session_file.h"
#include "agent_process.h"
#include "sample_data.h"
#include "uitest_support.h"

#include <QAction>
#include <QLineEdit>
#include <QLineSeries>
#include <QMimeData>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QMessageBox>
#include <QTimer>
#include <QAbstractButton>
#include <QTest>

using namespace tandem;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir(RunHistory::defaultFolder()).removeRecursively(); // test mode's data folder outlives the test
        Theme::apply(Theme::Mode::Light);
        QVERIFY(m_dir.isValid());
#ifdef TANDEM_AGENT_PATH
        qputenv("TANDEM_AGENT", TANDEM_AGENT_PATH);
#endif
    }

    void restoresItsSettings()
    {
        const QString settings = m_dir.filePath(QStringLiteral("restore.ini"));
        const QString dataset = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("tiny")), 2, 3, 1);
        {
            MainWindow window(settings);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(7);
            window.findChild<QSpinBox *>(QStringLiteral("widthSpin"))->setValue(64);
            window.findChild<QRadioButton *>(QStringLiteral("modeDial"))->setChecked(true);
            window.findChild<QLineEdit *>(QStringLiteral("agentUrl"))->setText(QStringLiteral("ws://gpu.example:8765"));
            window.findChild<SecretField *>()->setSecret("never-stored");
            window.trainingPage()->dashboard()->setSmoothing(0.6);
            window.tabs()->setCurrentIndex(1);
            window.resize(1234, 777);
            QSignalSpy opened(&window, &MainWindow::datasetOpened);
            window.openDataset(dataset);
            QTRY_COMPARE(opened.count(), 1);
            window.close();
        }
        QFile file(settings);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains("never-stored"), "the secret must not be written to the settings");

        MainWindow window(settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 7);
        QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("widthSpin"))->value(), 64);
        QVERIFY(window.findChild<QRadioButton *>(QStringLiteral("modeDial"))->isChecked());
        QCOMPARE(window.findChild<QLineEdit *>(QStringLiteral("agentUrl"))->text(),
                 QStringLiteral("ws://gpu.example:8765"));
        QVERIFY(window.findChild<SecretField *>()->secret().isEmpty());
        QCOMPARE(window.trainingPage()->dashboard()->smoothing(), 0.6);
        QCOMPARE(window.tabs()->currentIndex(), 1);
        QCOMPARE(window.size(), QSize(1234, 777));
        QVERIFY(window.reopenLastDataset()); // the recent list remembers it
        QTRY_COMPARE(window.datasetIndex().root(), QDir(dataset).absolutePath());
    }

    void localAgentRunFillsTheLossChart()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        const QString dataset = testsupport::fashionMnist(60, 20);
        const QString settingsFile = m_dir.filePath(QStringLiteral("run.ini"));
        {
            SettingsStore settings(settingsFile);
            TrainingOptions options;
            options.model = QStringLiteral("cnn");
            options.epochs = 1;
            options.batchSize = 32;
            options.preprocess.width = options.preprocess.height = 28;
            options.preprocess.color = PreprocessOptions::Color::Gray;
            options.device = QStringLiteral("cpu");
            options.weightsPath = m_dir.filePath(QStringLiteral("weights.pt"));
            settings.setTrainingOptions(options);
            settings.setSaveWeights(true);
        }
        MainWindow window(settingsFile);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(window.session(), &TrainingSession::finished);
        window.openDataset(dataset, true);

        DashboardView *dashboard = window.trainingPage()->dashboard();
        QLineSeries *raw = dashboard->lossChart()->series(0);
        QLineSeries *smoothed = dashboard->lossChart()->series(1);
        QTRY_VERIFY_WITH_TIMEOUT(raw->count() > 0, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        dashboard->redrawNow();
        QVERIFY(raw->count() > 5);
        QCOMPARE(smoothed->count(), raw->count());
        for (const QPointF &p : raw->points())
            QVERIFY(std::isfinite(p.y()) && p.y() > 0);
        QVERIFY(dashboard->accuracyChart()->series(0)->count() >= 1); // one validation point per epoch
        QVERIFY(dashboard->stageChart()->upperSeries(protocol::Stage::Forward)->count() > 0);
        QVERIFY(!dashboard->verdictText().isEmpty());
        QVERIFY(QFileInfo(m_dir.filePath(QStringLiteral("weights.pt"))).size() > 0);
        QVERIFY(window.messageArea()
                    ->texts()
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("Saved the trained weights")));
        QVERIFY(window.pauseAction() && !window.stopAction()->isEnabled() && window.startAction()->isEnabled());

        // The run can be exported and saved, and a saved run shown again.
        const QString reports = m_dir.filePath(QStringLiteral("reports"));
        QSignalSpy exported(&window, &MainWindow::reportExported);
        QVERIFY(window.exportReportTo(reports)); // written off the GUI thread
        QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 60000);
        QVERIFY(exported.first().at(0).toBool());
        QVERIFY(!QDir(reports).entryList({QStringLiteral("*.html")}, QDir::Files).isEmpty());
        QVERIFY(!QDir(reports).entryList({QStringLiteral("*.csv")}, QDir::Files).isEmpty());
        // The notice offers "Open Report", which opens the HTML report just written.
        QVERIFY2(window.lastReportPath().endsWith(QStringLiteral(".html")), qPrintable(window.lastReportPath()));
        QVERIFY(QFileInfo::exists(window.lastReportPath()));
        auto *openReport = window.findChild<QAction *>(QStringLiteral("openReportAction"));
        QVERIFY(openReport);
        QCOMPARE(openReport->text(), QStringLiteral("Open Report"));
        const QString saved = m_dir.filePath(QStringLiteral("run"));
        QVERIFY(window.saveSessionTo(saved));
        const qint64 steps = dashboard->metrics().steps();
        dashboard->clear();
        QVERIFY(window.openSessionFrom(saved + QStringLiteral(".tandem-run.json")));
        QCOMPARE(dashboard->metrics().steps(), steps);
        QVERIFY(raw->count() > 5);
        QVERIFY(!window.openSessionFrom(m_dir.filePath(QStringLiteral("weights.pt")))); // not a session
        QVERIFY(window.messageArea()->texts().first().contains(QStringLiteral("Cannot open")));
#endif
    }

    // Quit once stopped a run without a word. Now it asks, and Cancel keeps the run going.
    void quitDuringARunAsksFirst()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        const QString dataset = testsupport::fashionMnist(60, 20);
        const QString settingsFile = m_dir.filePath(QStringLiteral("quit.ini"));
        {
            SettingsStore settings(settingsFile);
            TrainingOptions options;
            options.model = QStringLiteral("cnn");
            options.epochs = 200; // far longer than the test: it is stopped by Quit
            options.batchSize = 32;
            options.preprocess.width = options.preprocess.height = 28;
            options.preprocess.color = PreprocessOptions::Color::Gray;
            options.device = QStringLiteral("cpu");
            settings.setTrainingOptions(options);
            settings.setSaveWeights(false);
        }
        MainWindow window(settingsFile);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy steps(window.session(), &TrainingSession::stepMetrics);
        window.openDataset(dataset, true);
        QTRY_VERIFY_WITH_TIMEOUT(!steps.isEmpty(), 60000);
        QVERIFY(window.session()->isActive());

        auto answer = [](const QString &choice, QString *question) {
            QTimer::singleShot(0, [choice, question] {
                auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
                if (!box)
                    return;
                *question = box->text();
                for (QAbstractButton *button : box->buttons())
                    if (button->text() == choice)
                        button->click();
            });
        };
        QString question;
        answer(QStringLiteral("Cancel"), &question);
        QVERIFY(!window.close());
        QVERIFY2(question.contains(QStringLiteral("A run is under way")), qPrintable(question));
        QVERIFY(window.isVisible());
        QVERIFY(window.session()->isActive());
        const qint64 before = steps.count();
        QTRY_VERIFY_WITH_TIMEOUT(steps.count() > before, 30000); // still training

        question.clear();
        answer(QStringLiteral("Stop and Quit"), &question);
        QVERIFY(window.close());
        QVERIFY(!question.isEmpty());
        QVERIFY(!window.isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 30000);
        // As the question said: the stopped run is in the history, written before the window went.
        QVERIFY(question.contains(QStringLiteral("kept in the Runs list")));
        const QString kept = window.runsPage()->model()->currentPath();
        QVERIFY(QFile::exists(kept));
        QCOMPARE(SessionFile::load(kept).run->outcome, RunOutcome::Stopped);
#endif
    }

    void droppingAFolderOpensIt()
    {
        const QString dataset = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("dropped")), 2, 2, 1);
        MainWindow window(m_dir.filePath(QStringLiteral("drop.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(dataset)});
        const QPoint at = window.rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QTRY_COMPARE(window.datasetIndex().root(), QDir(dataset).absolutePath());
        QCOMPARE(window.datasetPage()->grid()->model()->rowCount(), 6);

        QMimeData file; // a file is not a dataset
        file.setUrls({QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("drop.ini")))});
        QDragEnterEvent refuse(at, Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
        refuse.setAccepted(false);
        QCoreApplication::sendEvent(&window, &refuse);
        QVERIFY(!refuse.isAccepted());
    }

    void wrongSecretShowsTheRefusal()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        AgentProcess agent(QByteArrayLiteral("right-4Rg7Kq2Zx9Lw3Vb8"));
        QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
        const QUrl url = agent.url();
        QVERIFY2(url.isValid(), qPrintable(agent.output()));
        const QString dataset = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("tiny2")), 2, 3, 1);

        MainWindow window(m_dir.filePath(QStringLiteral("secret.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(dataset);
        QTRY_COMPARE(opened.count(), 1);
        window.findChild<QRadioButton *>(QStringLiteral("modeDial"))->setChecked(true);
        window.findChild<QLineEdit *>(QStringLiteral("agentUrl"))->setText(url.toString());
        window.findChild<SecretField *>()->setSecret("wrong-4Rg7Kq2Zx9Lw3Vb8");
        window.startAction()->trigger();

        QTRY_VERIFY_WITH_TIMEOUT(
            window.messageArea()->texts().join(QLatin1Char('\n')).contains(QStringLiteral("refused the secret")),
            20000);
        QVERIFY(window.trainingPage()->connection()->errorText().contains(QStringLiteral("Wrong secret")));
        QVERIFY(window.startAction()->isEnabled()); // ready to try again
#endif
    }

    void firstRunFitsPreprocessingToSmallImages()
    {
        const QString dataset = testsupport::fashionMnist(30, 10); // real 28×28 grey images
        const QString settings = m_dir.filePath(QStringLiteral("first-run.ini"));
        {
            MainWindow window(settings);
            QCOMPARE(window.currentOptions().preprocess.width, 224); // the defaults, before a dataset
            QSignalSpy opened(&window, &MainWindow::datasetOpened);
            window.openDataset(dataset);
            QTRY_COMPARE(opened.count(), 1);
            const PreprocessOptions fitted = window.currentOptions().preprocess;
            QCOMPARE(fitted.width, 28);
            QCOMPARE(fitted.height, 28);
            QCOMPARE(fitted.color, PreprocessOptions::Color::Gray);
            QVERIFY(window.messageArea()->texts().join(QLatin1Char('\n')).contains(QStringLiteral("28 × 28 grey")));
            window.findChild<QSpinBox *>(QStringLiteral("widthSpin"))->setValue(20);
            window.saveSettings();
        }
        // Settings that exist are never overridden.
        MainWindow window(settings);
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(dataset);
        QTRY_COMPARE(opened.count(), 1);
        QCOMPARE(window.currentOptions().preprocess.width, 20);
    }

    void startWithoutDatasetSaysWhatToDo()
    {
        MainWindow window(m_dir.filePath(QStringLiteral("empty.ini")));
        window.startRun();
        QCOMPARE(window.messageArea()->count(), 1);
        QVERIFY(window.messageArea()->texts().first().contains(QStringLiteral("Open a dataset")));
        QCOMPARE(window.session()->state(), TrainingSession::State::Idle);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
