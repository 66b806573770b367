// Tests NotebookCell: the cell is valid Python and hands start_agent() exactly the URL and secret,
// whatever characters they hold.
#include "bundle/notebook_cell.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using tandem::NotebookCell;

namespace {

// Runs the cell as the notebook would, with a stand-in tandem_colab module that prints the
// arguments start_agent() received as JSON.
QJsonArray runCell(const QString &cell, QString *problem)
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        *problem = QStringLiteral("python3 not found");
        return {};
    }
    const QString driver = QStringLiteral("import ast, json, sys, types\n"
                                          "source = sys.stdin.read()\n"
                                          "ast.parse(source)\n"
                                          "stub = types.ModuleType('tandem_colab')\n"
                                          "stub.start_agent = lambda d, u, s: print(json.dumps([d, u, s]))\n"
                                          "exec(compile(source, 'cell', 'exec'), {'tandem_colab': stub})\n");
    QProcess process;
    process.start(python, {QStringLiteral("-c"), driver});
    process.write(cell.toUtf8());
    process.closeWriteChannel();
    if (!process.waitForFinished(30'000) || process.exitCode() != 0) {
        *problem = QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    return QJsonDocument::fromJson(process.readAllStandardOutput()).array();
}

} // namespace

class TestNotebookCell : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dialOut_data();
    void dialOut();
    void listen();
    void literalIsAscii();
};

void TestNotebookCell::dialOut_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QByteArray>("secret");
    QTest::newRow("generated secret") << QUrl(QStringLiteral("wss://calm-river-1234.trycloudflare.com"))
                                      << QByteArray("Vq3dk2-7_aZ0pL9xYwQe4rTu8iOsNbMc1HjGfKx5E0A");
    QTest::newRow("ssh forward") << QUrl(QStringLiteral("ws://127.0.0.1:8765")) << QByteArray("s3cret");
    QTest::newRow("quotes and backslashes")
        << QUrl(QStringLiteral("wss://example.org/tandem/")) << QByteArray("a\"b'c\\d\\\\\"\"\"'''");
    QTest::newRow("control characters") << QUrl(QStringLiteral("ws://[::1]:9000")) << QByteArray("tab\tnew\nline\x7f");
    QTest::newRow("non-ASCII") << QUrl(QStringLiteral("wss://exämple.org/ü"))
                               << QStringLiteral("clé·秘密·\U0001F511").toUtf8();
}

void TestNotebookCell::dialOut()
{
    QFETCH(QUrl, url);
    QFETCH(QByteArray, secret);
    const QString cell = NotebookCell::forDialOut(url, secret);
    QString problem;
    const QJsonArray args = runCell(cell, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + QStringLiteral("\n") + cell));
    QCOMPARE(args.size(), 3);
    QCOMPARE(args[0].toString(), QStringLiteral("dial-out"));
    QCOMPARE(QUrl(args[1].toString()), url);
    QCOMPARE(args[2].toString(), QString::fromUtf8(secret));
}

void TestNotebookCell::listen()
{
    const QByteArray secret("Vq3dk2-7_aZ0pL9xYwQe4rTu8iOsNbMc1HjGfKx5E0A");
    const QString cell = NotebookCell::forListen(secret);
    QVERIFY(cell.contains(QLatin1String(secret))); // a person can see which secret it holds
    QString problem;
    const QJsonArray args = runCell(cell, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + QStringLiteral("\n") + cell));
    QCOMPARE(args.size(), 3);
    QCOMPARE(args[0].toString(), QStringLiteral("listen-tunnel"));
    QCOMPARE(args[1].toString(), QString());
    QCOMPARE(args[2].toString(), QString::fromLatin1(secret));
}

void TestNotebookCell::literalIsAscii()
{
    QCOMPARE(NotebookCell::pythonString(QStringLiteral("plain")), QStringLiteral("\"plain\""));
    QCOMPARE(NotebookCell::pythonString(QStringLiteral("a\"b\\c")), QStringLiteral("\"a\\\"b\\\\c\""));
    QCOMPARE(NotebookCell::pythonString(QStringLiteral("\n\u00e9\u79d8\U0001F511")),
             QStringLiteral("\"\\x0a\\xe9\\u79d8\\U0001f511\""));
    const QString cell = NotebookCell::forDialOut(QUrl(QStringLiteral("wss://exämple.org")), "秘密");
    for (const QChar c : cell)
        QVERIFY2(c.unicode() < 0x80, qPrintable(cell));
}

QTEST_GUILESS_MAIN(TestNotebookCell)
#include "tst_notebook_cell.moc"
