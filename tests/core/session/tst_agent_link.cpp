// The link on its own thread, against the real tandem-agent over 127.0.0.1: the socket and the
// pump live on the link's thread, credits are never overdrawn, and records arrive on the caller's.
#include "agent_process.h"
#include "sample_data.h"
#include "session/agent_link.h"
#include "session/run_settings.h"
#include "transport/dial_agent_connector.h"

#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <optional>
#include <vector>

using namespace tandem;

class TestAgentLink : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneEpochRunsOnTheLinkThread();
};

void TestAgentLink::oneEpochRunsOnTheLinkThread()
{
    AgentProcess agent;
    QVERIFY2(agent.start({QStringLiteral("--device"), QStringLiteral("cpu")}), qPrintable(agent.error()));

    TrainingOptions options;
    options.datasetRoot = testsupport::fashionMnist(30, 10);
    options.preprocess.width = options.preprocess.height = 28;
    options.preprocess.color = PreprocessOptions::Color::Gray;
    options.model = QStringLiteral("cnn");
    options.batchSize = 32;
    options.epochs = 1;
    options.device = QStringLiteral("cpu");
    const DatasetIndex index = DatasetIndex::scan(options.datasetRoot, options.index);
    QVERIFY2(index.error().isEmpty(), qPrintable(index.error()));
    auto plan = std::make_shared<const EpochPlan>(index, options.batchSize, options.seed);

    LinkPlan linkPlan;
    const QUrl url = agent.url();
    const QByteArray secret = agent.secret();
    std::atomic<QThread *> connectorThread{nullptr};
    linkPlan.makeConnector = [url, secret, &connectorThread] {
        connectorThread = QThread::currentThread();
        return std::make_unique<DialAgentConnector>(url, secret);
    };
    linkPlan.sessionConfigJson = RunSettings::sessionConfig(options, index, *plan).toJson();
    linkPlan.plan = plan;
    linkPlan.producer.train = options.preprocess;
    linkPlan.producer.val = options.validationPreprocess();

    QThread thread;
    auto *link = new AgentLink;
    link->moveToThread(&thread);
    connect(&thread, &QThread::finished, link, &QObject::deleteLater);
    // Its timers went with it: a timer left on this thread cannot be started from the link's, and
    // the clock pings would never go out.
    const QList<QTimer *> timers = link->findChildren<QTimer *>();
    QVERIFY(!timers.isEmpty());
    for (const QTimer *timer : timers)
        QCOMPARE(timer->thread(), &thread);

    // Direct connections run where the link emits: that is the thread its socket lives on.
    std::atomic<QThread *> readyThread{nullptr};
    std::atomic<QThread *> socketThread{nullptr};
    std::atomic<QThread *> batchEmitThread{nullptr};
    connect(
        link, &AgentLink::agentReady, link,
        [link, &readyThread, &socketThread] {
            readyThread = QThread::currentThread();
            socketThread = link->socketThread();
        },
        Qt::DirectConnection);
    connect(
        link, &AgentLink::batchTimed, link, [&batchEmitThread] { batchEmitThread = QThread::currentThread(); },
        Qt::DirectConnection);

    // Everything below is queued to this thread (QSignalSpy would be touched from the link's).
    std::optional<protocol::SessionInfo> info;
    std::vector<BatchRecord> batches;
    int steps = 0;
    int epochs = 0;
    bool finished = false;
    QString connectionError;
    int minAvailable = 1 << 30;
    int maxAvailable = 0;
    int maxInFlight = 0;
    QThread *creditsReceiver = nullptr;
    connect(link, &AgentLink::agentReady, this, [&info](const protocol::SessionInfo &i) { info = i; });
    connect(link, &AgentLink::batchTimed, this, [&batches](const BatchRecord &r) { batches.push_back(r); });
    connect(link, &AgentLink::stepMetrics, this, [&steps] { ++steps; });
    connect(link, &AgentLink::epochMetrics, this, [&epochs] { ++epochs; });
    connect(link, &AgentLink::finished, this, [&finished] { finished = true; });
    connect(link, &AgentLink::connectionFailed, this,
            [&connectionError](protocol::ConnectionError, const QString &message) { connectionError = message; });
    connect(link, &AgentLink::creditsChanged, this, [&](int available, int inFlight) {
        creditsReceiver = QThread::currentThread();
        minAvailable = std::min(minAvailable, available);
        maxAvailable = std::max(maxAvailable, available);
        maxInFlight = std::max(maxInFlight, inFlight);
    });

    thread.start();
    QMetaObject::invokeMethod(
        link, [link, linkPlan] { link->start(linkPlan); }, Qt::QueuedConnection);
    QTRY_VERIFY2_WITH_TIMEOUT(finished || !connectionError.isEmpty(), "no finish", 120'000);
    QVERIFY2(connectionError.isEmpty(), qPrintable(connectionError));

    // Thread affinity: the connector, the socket and the pump are all on the link's thread.
    QCOMPARE(connectorThread.load(), &thread);
    QCOMPARE(readyThread.load(), &thread);
    QCOMPARE(socketThread.load(), &thread);
    QCOMPARE(batchEmitThread.load(), &thread);
    QVERIFY(socketThread.load() != QThread::currentThread());
    QCOMPARE(creditsReceiver, QThread::currentThread()); // queued back to the caller

    // Credits: never overdrawn, never above the agent's window, and used.
    QVERIFY(info.has_value());
    const int window = info->credits;
    QVERIFY(window > 0);
    QVERIFY2(minAvailable >= 0, qPrintable(QString::number(minAvailable)));
    QVERIFY2(maxAvailable <= window, qPrintable(QStringLiteral("%1 > %2").arg(maxAvailable).arg(window)));
    QVERIFY(maxInFlight >= 1);

    // Records: 300 training images in batches of 32 → 10 steps; 100 validation images → 4 batches.
    QCOMPARE(steps, 10);
    QCOMPARE(int(batches.size()), 14);
    QCOMPARE(epochs, 2);
    qint64 samples = 0;
    for (const BatchRecord &record : batches) {
        samples += record.samples;
        QVERIFY(record.wireBytes > qint64(record.samples) * 28 * 28);
        QVERIFY(!record.spans.empty());
    }
    QCOMPARE(samples, qint64(400));

    thread.quit();
    QVERIFY(thread.wait(15'000));
}

QTEST_GUILESS_MAIN(TestAgentLink)
#include "tst_agent_link.moc"
