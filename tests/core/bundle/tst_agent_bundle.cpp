// Tests AgentBundle: the archive extracts with tar, holds every file the agent-only build names,
// stays small, configures on its own, and failures are reported as values.
#include "bundle/agent_bundle.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using tandem::AgentBundle;

namespace {

constexpr qint64 kMaxBundleBytes = 512 * 1024; // "a few hundred KB"

QString sourceDir()
{
    return QStringLiteral(TANDEM_SOURCE_DIR);
}

// Every .cpp/.h a CMakeLists.txt names, relative to the repository root.
QStringList sourcesNamedIn(const QString &folder)
{
    QFile file(sourceDir() + QLatin1Char('/') + folder + QStringLiteral("/CMakeLists.txt"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList names;
    static const QRegularExpression source(QStringLiteral(R"((?:^|[\s(])([\w/]+\.(?:cpp|h))(?=[\s)]))"));
    QString text = QString::fromUtf8(file.readAll());
    text.remove(QRegularExpression(QStringLiteral("#[^\n]*"))); // comments name files too
    for (auto it = source.globalMatch(text); it.hasNext();)
        names << folder + QLatin1Char('/') + it.next().captured(1);
    return names;
}

bool extract(const QString &archive, const QString &into, QString *output)
{
    QProcess tar;
    tar.setProcessChannelMode(QProcess::MergedChannels);
    tar.start(QStringLiteral("tar"), {QStringLiteral("-xzf"), archive, QStringLiteral("-C"), into});
    const bool ok = tar.waitForFinished(60'000) && tar.exitStatus() == QProcess::NormalExit && tar.exitCode() == 0;
    *output = QString::fromLocal8Bit(tar.readAll());
    return ok;
}

} // namespace

class TestAgentBundle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void extractsWithEverythingTheAgentBuildNeeds();
    void configuresOnItsOwn();
    void rejectsAFolderWithoutAgentSources();
    void reportsAnUnwritableDestination();
    void findsTheBuildTreeSources();

private:
    QTemporaryDir m_dir;
    QString m_extracted; // set by the first test, reused by configuresOnItsOwn
};

void TestAgentBundle::extractsWithEverythingTheAgentBuildNeeds()
{
    QVERIFY(m_dir.isValid());
    const QString archive = m_dir.filePath(QLatin1String(AgentBundle::kFileName));
    const AgentBundle::Result result = AgentBundle::write(sourceDir(), archive);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.bytes, QFileInfo(archive).size());
    QVERIFY2(result.bytes > 0 && result.bytes <= kMaxBundleBytes,
             qPrintable(QStringLiteral("bundle of %1 bytes").arg(result.bytes)));

    const QString into = m_dir.filePath(QStringLiteral("x"));
    QVERIFY(QDir().mkpath(into));
    QString output;
    QVERIFY2(extract(archive, into, &output), qPrintable(output));
    const QDir top(into + QLatin1Char('/') + QLatin1String(AgentBundle::kTopFolder));
    QVERIFY(top.exists());

    QStringList needed = sourcesNamedIn(QStringLiteral("colab_agent")) + sourcesNamedIn(QStringLiteral("core/common")) +
                         sourcesNamedIn(QStringLiteral("core/protocol")) +
                         sourcesNamedIn(QStringLiteral("core/imagecodec"));
    QVERIFY2(needed.size() >= 10, qPrintable(needed.join(QLatin1Char(' ')))); // the parser found the lists
    needed << QStringLiteral("CMakeLists.txt") << QStringLiteral("colab_agent/CMakeLists.txt")
           << QStringLiteral("core/common/CMakeLists.txt") << QStringLiteral("core/protocol/CMakeLists.txt")
           << QStringLiteral("core/imagecodec/CMakeLists.txt") << QStringLiteral("colab_agent/main.cpp")
           << QStringLiteral("colab_agent/notebook/tandem_agent.ipynb")
           << QStringLiteral("colab_agent/notebook/tandem_colab.py")
           << QStringLiteral("colab_agent/notebook/README.md");
    for (const QString &file : std::as_const(needed))
        QVERIFY2(QFileInfo::exists(top.filePath(file)), qPrintable(QStringLiteral("missing from the bundle: ") + file));

    // Byte for byte what the tree holds, and nothing from elsewhere.
    QSet<QString> inArchive;
    for (QDirIterator it(top.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();)
        inArchive.insert(top.relativeFilePath(it.next()));
    QCOMPARE(inArchive, QSet<QString>(result.files.begin(), result.files.end()));
    for (const QString &file : std::as_const(result.files)) {
        QVERIFY2(!file.startsWith(QLatin1String("colab_agent/gpu_check/")), qPrintable(file));
        QVERIFY2(file == QLatin1String("CMakeLists.txt") || file.startsWith(QLatin1String("colab_agent/")) ||
                     file.startsWith(QLatin1String("core/common/")) ||
                     file.startsWith(QLatin1String("core/protocol/")) ||
                     file.startsWith(QLatin1String("core/imagecodec/")),
                 qPrintable(file));
        if (file == QLatin1String("CMakeLists.txt"))
            continue;
        QFile original(sourceDir() + QLatin1Char('/') + file);
        QFile copy(top.filePath(file));
        QVERIFY(original.open(QIODevice::ReadOnly) && copy.open(QIODevice::ReadOnly));
        QVERIFY2(original.readAll() == copy.readAll(), qPrintable(file));
    }
    QFile cmake(top.filePath(QStringLiteral("CMakeLists.txt")));
    QVERIFY(cmake.open(QIODevice::ReadOnly));
    const QByteArray text = cmake.readAll();
    QVERIFY(text.contains("project(Tandem VERSION " TANDEM_VERSION_STRING));
    QVERIFY(text.contains("add_subdirectory(colab_agent)"));
    m_extracted = top.path();

    // The notebook test (ctest fixture agent_bundle) uploads this very bundle to the notebook.
    const QString shared = QStringLiteral(TANDEM_TEST_DATA_DIR "/") + QLatin1String(AgentBundle::kFileName);
    QVERIFY(QDir().mkpath(QStringLiteral(TANDEM_TEST_DATA_DIR)));
    QFile::remove(shared);
    QVERIFY(QFile::copy(archive, shared));
}

void TestAgentBundle::configuresOnItsOwn()
{
#ifndef TANDEM_TORCH_DIR
    QFAIL("this build has no libtorch (no tandem-agent target): nothing to configure the bundle against");
#else
    if (m_extracted.isEmpty())
        QFAIL("the extraction test failed, so there is no bundle to configure");
    const QString build = m_dir.filePath(QStringLiteral("build"));
    QProcess cmake;
    cmake.setProcessChannelMode(QProcess::MergedChannels);
    cmake.start(QStringLiteral(TANDEM_CMAKE_COMMAND),
                {QStringLiteral("-S"), m_extracted, QStringLiteral("-B"), build, QStringLiteral("-G"),
                 QStringLiteral(TANDEM_CMAKE_GENERATOR), QStringLiteral("-DTorch_DIR=" TANDEM_TORCH_DIR),
                 QStringLiteral("-DQt6_DIR=" TANDEM_QT6_DIR)});
    QVERIFY(cmake.waitForFinished(240'000));
    const QString output = QString::fromLocal8Bit(cmake.readAll());
    QVERIFY2(cmake.exitStatus() == QProcess::NormalExit && cmake.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(QLatin1String("tandem-agent: libtorch")), qPrintable(output));
#endif
}

void TestAgentBundle::rejectsAFolderWithoutAgentSources()
{
    QTemporaryDir empty;
    const QString archive = empty.filePath(QStringLiteral("bundle.tar.gz"));
    const AgentBundle::Result result = AgentBundle::write(empty.path(), archive);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(QLatin1String("no tandem-agent sources")), qPrintable(result.error));
    QVERIFY(!QFileInfo::exists(archive));
}

void TestAgentBundle::reportsAnUnwritableDestination()
{
    QTemporaryDir dir;
    const QString archive = dir.filePath(QStringLiteral("no/such/folder/bundle.tar.gz"));
    const AgentBundle::Result result = AgentBundle::write(sourceDir(), archive);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(QLatin1String("cannot write")), qPrintable(result.error));
    QVERIFY(!QFileInfo::exists(archive));
}

void TestAgentBundle::findsTheBuildTreeSources()
{
    // No share/tandem/agent-src beside a test binary: the build tree's sources are the answer.
    QCOMPARE(AgentBundle::findSourceRoot(), QDir(sourceDir()).canonicalPath());
}

QTEST_GUILESS_MAIN(TestAgentBundle)
#include "tst_agent_bundle.moc"
