// Tests of colab_agent/torch_runtime: which device a session trains on for each pair of the agent's
// --device and the session's request, with the note that says why when it differs; and the
// start-up line. Expectations follow this machine's libtorch (with or without a CUDA device).
#include "torch_runtime.h"

#include <QRegularExpression>
#include <QTest>

using tandem::agent::DevicePlan;
namespace torch_runtime = tandem::agent::torch_runtime;

class TestTorchRuntime : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void versionAndReason();
    void planDevice_data();
    void planDevice();
};

void TestTorchRuntime::versionAndReason()
{
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d+")).match(torch_runtime::torchVersion()).hasMatch(),
             qPrintable(torch_runtime::torchVersion()));
    const QString reason = torch_runtime::cudaUnavailableReason();
    QCOMPARE(reason.isEmpty(), torch_runtime::cudaAvailable());
    if (!torch_runtime::cudaAvailable())
        QVERIFY2(reason.contains(torch_runtime::torchVersion()), qPrintable(reason));

    const QString line = torch_runtime::startupDeviceLine();
    QVERIFY2(line.startsWith(torch_runtime::cudaAvailable() ? QStringLiteral("device: cuda:0")
                                                            : QStringLiteral("device: cpu (")),
             qPrintable(line));
    QVERIFY2(line.contains(torch_runtime::torchVersion()), qPrintable(line));
}

void TestTorchRuntime::planDevice_data()
{
    QTest::addColumn<QString>("agent");   // --device
    QTest::addColumn<QString>("session"); // SessionConfig::device
    QTest::addColumn<QString>("wanted");  // what decides: the agent's setting unless it is auto
    QTest::addColumn<QString>("pinNote"); // the note when the agent overrides the session

    const auto overridden = [](const char *session, const char *agent) {
        return QStringLiteral("the session asked for %1, but the agent was started with --device %2")
            .arg(QLatin1String(session), QLatin1String(agent));
    };
    QTest::newRow("auto, auto") << "auto"
                                << "auto"
                                << "auto" << QString();
    QTest::newRow("auto, cpu") << "auto"
                               << "cpu"
                               << "cpu" << QString();
    QTest::newRow("auto, cuda") << "auto"
                                << "cuda"
                                << "cuda" << QString();
    QTest::newRow("cpu, auto") << "cpu"
                               << "auto"
                               << "cpu" << QString();
    QTest::newRow("cpu, cpu") << "cpu"
                              << "cpu"
                              << "cpu" << QString();
    QTest::newRow("cpu, cuda") << "cpu"
                               << "cuda"
                               << "cpu" << overridden("cuda", "cpu");
    QTest::newRow("cuda, auto") << "cuda"
                                << "auto"
                                << "cuda" << QString();
    QTest::newRow("cuda, cpu") << "cuda"
                               << "cpu"
                               << "cuda" << overridden("cpu", "cuda");
    QTest::newRow("cuda, cuda") << "cuda"
                                << "cuda"
                                << "cuda" << QString();
}

void TestTorchRuntime::planDevice()
{
    QFETCH(QString, agent);
    QFETCH(QString, session);
    QFETCH(QString, wanted);
    QFETCH(QString, pinNote);

    const bool gpu = torch_runtime::cudaAvailable();
    const bool cuda = wanted != QLatin1String("cpu") && gpu;
    QStringList notes;
    if (!pinNote.isEmpty())
        notes << pinNote;
    if (wanted != QLatin1String("cpu") && !gpu) {
        const QString why = torch_runtime::cudaUnavailableReason();
        notes << (wanted == QLatin1String("cuda")
                      ? QStringLiteral("CUDA was requested, but %1; training on the CPU").arg(why)
                      : QStringLiteral("training on the CPU: %1").arg(why));
    }

    const DevicePlan plan = torch_runtime::planDevice(agent, session);
    QCOMPARE(plan.cuda, cuda);
    QCOMPARE(plan.index, 0);
    if (cuda)
        QVERIFY2(plan.description.startsWith(QStringLiteral("cuda:0")), qPrintable(plan.description));
    else
        QCOMPARE(plan.description, QStringLiteral("cpu"));
    QCOMPARE(plan.note, notes.join(QStringLiteral("; ")));
}

QTEST_GUILESS_MAIN(TestTorchRuntime)
#include "tst_torch_runtime.moc"
