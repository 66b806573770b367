// The connection panel: complete settings, a hidden secret, and errors named for what went wrong.
#include "connection_panel.h"
#include "secret_field.h"
#include "session/training_session.h"
#include "theme.h"
#include "agent_process.h"
#include "uitest_support.h"

#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace tandem;

class TestConnectionPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
        uitest::writeTinyDataset(m_dir.path(), 2, 4, 2);
        m_index = DatasetIndex::scan(m_dir.path());
        QVERIFY(m_index.error().isEmpty());
    }

    void validate_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("problem"); // a word the message must contain; empty: valid
        QTest::newRow("local needs nothing") << int(AgentMode::Local) << QString() << QString() << QString();
        QTest::newRow("dial without url")
            << int(AgentMode::Dial) << QString() << QStringLiteral("s") << QStringLiteral("address");
        QTest::newRow("dial http") << int(AgentMode::Dial) << QStringLiteral("http://x:1") << QStringLiteral("s")
                                   << QStringLiteral("ws://");
        QTest::newRow("secret in url") << int(AgentMode::Dial) << QStringLiteral("ws://me:pw@x:1")
                                       << QStringLiteral("s") << QStringLiteral("URL");
        QTest::newRow("dial without secret")
            << int(AgentMode::Dial) << QStringLiteral("ws://x:1") << QString() << QStringLiteral("secret");
        QTest::newRow("dial complete") << int(AgentMode::Dial) << QStringLiteral("wss://a.example")
                                       << QStringLiteral("s") << QString();
        QTest::newRow("listen without secret")
            << int(AgentMode::Listen) << QString() << QString() << QStringLiteral("secret");
    }
    void validate()
    {
        QFETCH(int, mode);
        QFETCH(QString, url);
        QFETCH(QString, secret);
        QFETCH(QString, problem);
        ConnectionPanel panel;
        panel.setMode(AgentMode(mode));
        panel.setUrl(url);
        panel.secretField()->setSecret(secret.toUtf8());
        const QString message = panel.validate();
        if (problem.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(problem), qPrintable(message));
    }

    void notebookCellCarriesTheSecretForTheDirection()
    {
        ConnectionPanel panel;
        panel.setMode(AgentMode::Listen);
        QVERIFY(panel.notebookCell().isEmpty()); // no secret yet: nothing to copy
        panel.secretField()->setSecret("s3cret-for-colab");
        const QString dialOut = panel.notebookCell();
        QVERIFY2(dialOut.contains(QStringLiteral("s3cret-for-colab")), qPrintable(dialOut));
        QVERIFY2(dialOut.contains(QStringLiteral("ws://")), qPrintable(dialOut));
        QVERIFY2(dialOut.contains(QStringLiteral("dial-out")), qPrintable(dialOut));

        panel.setMode(AgentMode::Dial);
        const QString listen = panel.notebookCell();
        QVERIFY2(listen.contains(QStringLiteral("s3cret-for-colab")), qPrintable(listen));
        QVERIFY2(listen.contains(QStringLiteral("listen-tunnel")), qPrintable(listen));
        QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("copyNotebookCell"))->isVisibleTo(&panel));
        panel.setMode(AgentMode::Local);
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("copyNotebookCell"))->isVisibleTo(&panel));
    }

    void agentBundleIsExported()
    {
        ConnectionPanel panel;
        QSignalSpy notices(&panel, &ConnectionPanel::notice);
        const QString path = m_dir.filePath(QStringLiteral("bundle.tar.gz"));
        QVERIFY(panel.exportAgentBundle(path));
        QVERIFY(QFileInfo(path).size() > 10'000);
        QCOMPARE(notices.count(), 1);
        QVERIFY2(notices.first().at(0).toString().contains(QStringLiteral("bundle.tar.gz")),
                 qPrintable(notices.first().at(0).toString()));
        QVERIFY(!panel.exportAgentBundle(QStringLiteral("/nonexistent-dir/bundle.tar.gz")));
        QCOMPARE(notices.count(), 2);
        QVERIFY2(notices.last().at(0).toString().startsWith(QStringLiteral("Could not export")),
                 qPrintable(notices.last().at(0).toString()));
    }

    void secretIsHiddenUntilRevealed()
    {
        ConnectionPanel panel;
        panel.setMode(AgentMode::Dial);
        SecretField *field = panel.secretField();
        QCOMPARE(field->lineEdit()->echoMode(), QLineEdit::Password);
        field->generate();
        QVERIFY(field->secret().size() >= 32);
        QCOMPARE(field->lineEdit()->echoMode(), QLineEdit::Password);
        field->setRevealed(true);
        QCOMPARE(field->lineEdit()->echoMode(), QLineEdit::Normal);

        TrainingOptions options;
        panel.applyTo(options);
        QCOMPARE(options.agentMode, AgentMode::Dial);
        QCOMPARE(options.secret, field->secret());
        panel.setMode(AgentMode::Local);
        panel.applyTo(options);
        QVERIFY(options.secret.isEmpty()); // the local agent makes its own
    }

    void refusedConnectionIsNamed()
    {
        QTcpServer probe; // a port with nobody listening: bind, note it, close
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();

        TrainingSession session;
        ConnectionPanel panel;
        panel.attach(&session);
        panel.setMode(AgentMode::Dial);
        panel.setUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port));
        panel.secretField()->setSecret("anything-4Rg7Kq2Zx9Lw3Vb8");
        TrainingOptions options;
        options.preprocess.width = options.preprocess.height = 32;
        panel.applyTo(options);
        session.start(options, m_index);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.errorText().isEmpty(), 20000);
        QVERIFY2(panel.errorText().contains(QStringLiteral("Connection refused")), qPrintable(panel.errorText()));
        QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("reconnectButton"))->isVisibleTo(&panel));
    }

    void wrongSecretIsNamed()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        AgentProcess agent(QByteArrayLiteral("the-right-secret-4Rg7Kq2Zx9Lw3Vb8"));
        QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
        const QUrl url = agent.url();
        QVERIFY2(url.isValid(), qPrintable(agent.output()));

        TrainingSession session;
        ConnectionPanel panel;
        panel.attach(&session);
        panel.setMode(AgentMode::Dial);
        panel.setUrl(url.toString());
        panel.secretField()->setSecret("not-the-secret-4Rg7Kq2Zx9Lw3Vb8");
        TrainingOptions options;
        options.preprocess.width = options.preprocess.height = 32;
        panel.applyTo(options);
        QSignalSpy failed(&session, &TrainingSession::connectionFailed);
        session.start(options, m_index);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::WrongSecret);
        QVERIFY2(panel.errorText().contains(QStringLiteral("Wrong secret")), qPrintable(panel.errorText()));
        QCOMPARE(session.state(), TrainingSession::State::Failed);
#endif
    }

    void droppedConnectionIsNamed()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        AgentProcess agent(QByteArrayLiteral("shared-4Rg7Kq2Zx9Lw3Vb8"));
        QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));
        const QUrl url = agent.url();
        QVERIFY2(url.isValid(), qPrintable(agent.output()));

        TrainingSession session;
        ConnectionPanel panel;
        panel.attach(&session);
        panel.setMode(AgentMode::Dial);
        panel.setUrl(url.toString());
        panel.secretField()->setSecret("shared-4Rg7Kq2Zx9Lw3Vb8");
        TrainingOptions options;
        options.model = QStringLiteral("cnn");
        options.epochs = 500; // still training when the agent goes
        options.batchSize = 4;
        options.preprocess.width = options.preprocess.height = 16;
        panel.applyTo(options);
        QSignalSpy failed(&session, &TrainingSession::connectionFailed);
        session.start(options, m_index);
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == TrainingSession::State::Training, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.findChild<QLabel *>(QStringLiteral("clockLabel"))->text().contains(QStringLiteral("Round trip")),
            10000);
        agent.kill();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        QCOMPARE(failed.first().at(0).value<protocol::ConnectionError>(), protocol::ConnectionError::Dropped);
        QVERIFY2(panel.errorText().contains(QStringLiteral("Connection dropped")), qPrintable(panel.errorText()));
        QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("reconnectButton"))->isVisibleTo(&panel));
#endif
    }

    // A local agent killed mid-run: the panel says the agent stopped unexpectedly and how (the
    // signal), never "Could not start" or "connection dropped", and its log sits behind Details.
    void killedLocalAgentIsNamedWithTheLogBehindDetails()
    {
#ifndef TANDEM_AGENT_PATH
        QFAIL("built without tandem-agent (TANDEM_BUILD_AGENT=OFF): this test needs the real agent");
#else
        TrainingSession session;
        ConnectionPanel panel;
        panel.attach(&session);
        panel.setMode(AgentMode::Local);
        TrainingOptions options;
        options.model = QStringLiteral("cnn");
        options.epochs = 500; // still training when the agent goes
        options.batchSize = 4;
        options.preprocess.width = options.preprocess.height = 16;
        options.agentProgram = QStringLiteral(TANDEM_AGENT_PATH);
        options.device = QStringLiteral("cpu");
        panel.applyTo(options);
        QSignalSpy quit(&session, &TrainingSession::agentQuit);
        QSignalSpy dropped(&session, &TrainingSession::connectionFailed);
        QSignalSpy steps(&session, &TrainingSession::stepMetrics);
        session.start(options, m_index);
        QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 3, 30000);

        const QList<qint64> agents = uitest::childProcesses(QStringLiteral("tandem-agent"));
        QCOMPARE(agents.size(), 1); // the one local agent this test process started
        QCOMPARE(::kill(pid_t(agents.first()), SIGKILL), 0);

        QTRY_VERIFY_WITH_TIMEOUT(session.state() == TrainingSession::State::Failed, 20000);
        QCOMPARE(quit.count(), 1);
        QVERIFY(dropped.isEmpty()); // not reported as a network problem
        const QString message = session.lastError();
        QVERIFY2(message.startsWith(QStringLiteral("Stopped:")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("stopped unexpectedly (killed by signal 9")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("session for")), qPrintable(message)); // no log in the headline

        const QString error = panel.errorText();
        QVERIFY2(error.contains(QStringLiteral("The local agent stopped unexpectedly")), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("Could not start")), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("connection dropped"), Qt::CaseInsensitive), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("href=\"details\"")), qPrintable(error));
        auto *details = panel.findChild<QPlainTextEdit *>(QStringLiteral("connectionDetails"));
        QVERIFY(details && details->isHidden());
        QVERIFY2(panel.detailsText().contains(QStringLiteral("session for 127.0.0.1")),
                 qPrintable(panel.detailsText()));
        auto *label = panel.findChild<QLabel *>(QStringLiteral("connectionError"));
        Q_EMIT label->linkActivated(QStringLiteral("details")); // what a click on the link does
        QVERIFY(!details->isHidden());
#endif
    }

private:
    QTemporaryDir m_dir;
    DatasetIndex m_index;
};

QTEST_MAIN(TestConnectionPanel)
#include "tst_connection_panel.moc"
