// ManifestDocument: every edit is one undo step, its undo gives back exactly the manifest before it,
// and its redo exactly the manifest after; bad edits change nothing and say why.
#include "curation/manifest_document.h"
#include "curation/stratified_splitter.h"

#include <QSignalSpy>
#include <QTest>

#include <functional>

using namespace tandem;

namespace {
DatasetManifest sampleManifest()
{
    DatasetManifest manifest;
    manifest.root = QStringLiteral("/data");
    manifest.classes = {QStringLiteral("cat"), QStringLiteral("dog")};
    for (int i = 0; i < 20; ++i) {
        ManifestEntry entry;
        entry.label = i % 2;
        entry.originalClass = manifest.classes.at(entry.label);
        entry.relativePath = QStringLiteral("%1/%2.jpg").arg(entry.originalClass).arg(i);
        entry.split = i < 16 ? SampleSplit::Train : SampleSplit::Val;
        entry.originalSplit = entry.split;
        entry.contentHash = quint64(1000 + i);
        entry.fileBytes = 100 + i;
        manifest.entries.push_back(entry);
    }
    return manifest;
}

using Edit = std::function<QString(ManifestDocument &)>;
} // namespace

Q_DECLARE_METATYPE(Edit)

class TestManifestDocument : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void editAndUndoRestore_data();
    void editAndUndoRestore();
    void badEditsChangeNothing_data();
    void badEditsChangeNothing();
    void manyEditsUndoToTheStart();
    void settingAManifestClearsHistory();
};

void TestManifestDocument::editAndUndoRestore_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("undoText");
    QTest::newRow("exclude one") << Edit([](ManifestDocument &d) { return d.setIncluded({3}, false); })
                                 << QStringLiteral("Exclude image");
    QTest::newRow("exclude selection") << Edit([](ManifestDocument &d) {
        return d.setIncluded({1, 2, 5, 19}, false);
    }) << QStringLiteral("Exclude 4 images");
    QTest::newRow("relabel") << Edit([](ManifestDocument &d) {
        return d.relabel({0, 2, 3}, 1);
    }) << QStringLiteral("Move 2 image(s) to dog"); // 3 is a dog already
    QTest::newRow("add class") << Edit([](ManifestDocument &d) { return d.addClass(QStringLiteral(" bird ")); })
                               << QStringLiteral("Add class bird");
    QTest::newRow("rename class") << Edit([](ManifestDocument &d) {
        return d.renameClass(0, QStringLiteral("kitten"));
    }) << QStringLiteral("Rename class cat to kitten");
    QTest::newRow("resplit") << Edit([](ManifestDocument &d) {
        return d.resplit(StratifiedSplitter::split(d.manifest(), 0.5, 7), QStringLiteral("Split 50 %"));
    }) << QStringLiteral("Split 50 %");
}

void TestManifestDocument::editAndUndoRestore()
{
    QFETCH(Edit, edit);
    QFETCH(QString, undoText);
    ManifestDocument document;
    document.setManifest(sampleManifest());
    const DatasetManifest before = document.manifest();
    QSignalSpy changed(&document, &ManifestDocument::changed);

    const QString error = edit(document);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const DatasetManifest after = document.manifest();
    QVERIFY(after != before);
    QCOMPARE(document.undoStack()->count(), 1);
    QCOMPARE(document.undoStack()->undoText(), undoText);
    QCOMPARE(changed.count(), 1);

    document.undoStack()->undo();
    QVERIFY(document.manifest() == before);
    QCOMPARE(changed.count(), 2);
    document.undoStack()->redo();
    QVERIFY(document.manifest() == after);
    document.undoStack()->undo();
    QVERIFY(document.manifest() == before);
}

void TestManifestDocument::badEditsChangeNothing_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nothing selected") << Edit([](ManifestDocument &d) { return d.setIncluded({}, false); })
                                      << QStringLiteral("no images selected");
    QTest::newRow("index out of range") << Edit([](ManifestDocument &d) { return d.setIncluded({20}, false); })
                                        << QStringLiteral("image 20 is not in the manifest");
    QTest::newRow("include the included")
        << Edit([](ManifestDocument &d) { return d.setIncluded({1}, true); }) << QStringLiteral("nothing to change");
    QTest::newRow("relabel to missing class")
        << Edit([](ManifestDocument &d) { return d.relabel({1}, 2); }) << QStringLiteral("class 2 does not exist");
    QTest::newRow("existing class") << Edit([](ManifestDocument &d) { return d.addClass(QStringLiteral("dog")); })
                                    << QStringLiteral("class \"dog\" exists");
    QTest::newRow("empty name") << Edit([](ManifestDocument &d) { return d.addClass(QStringLiteral("  ")); })
                                << QStringLiteral("a class needs a name");
    QTest::newRow("path in name") << Edit([](ManifestDocument &d) { return d.renameClass(1, QStringLiteral("a/b")); })
                                  << QStringLiteral("cannot be a folder name");
    QTest::newRow("split size") << Edit([](ManifestDocument &d) {
        return d.resplit({SampleSplit::Val}, QStringLiteral("x"));
    }) << QStringLiteral("a split for 1 images");
}

void TestManifestDocument::badEditsChangeNothing()
{
    QFETCH(Edit, edit);
    QFETCH(QString, expected);
    ManifestDocument document;
    document.setManifest(sampleManifest());
    const DatasetManifest before = document.manifest();
    const QString error = edit(document);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(document.manifest() == before);
    QCOMPARE(document.undoStack()->count(), 0);
}

void TestManifestDocument::manyEditsUndoToTheStart()
{
    ManifestDocument document;
    document.setManifest(sampleManifest());
    const DatasetManifest start = document.manifest();
    QVERIFY(document.addClass(QStringLiteral("bird")).isEmpty());
    QVERIFY(document.relabel({4, 5}, 2).isEmpty());
    QVERIFY(document.setIncluded({5, 6}, false).isEmpty());
    QVERIFY(document.renameClass(2, QStringLiteral("parrot")).isEmpty());
    QVERIFY(
        document.resplit(StratifiedSplitter::split(document.manifest(), 0.25, 1), QStringLiteral("Split")).isEmpty());
    const DatasetManifest end = document.manifest();
    QCOMPARE(end.classes.last(), QStringLiteral("parrot"));
    QCOMPARE(end.entries[4].label, 2);
    QVERIFY(!end.entries[5].included);
    QCOMPARE(document.undoStack()->count(), 5);
    while (document.undoStack()->canUndo())
        document.undoStack()->undo();
    QVERIFY(document.manifest() == start);
    while (document.undoStack()->canRedo())
        document.undoStack()->redo();
    QVERIFY(document.manifest() == end);
}

void TestManifestDocument::settingAManifestClearsHistory()
{
    ManifestDocument document;
    document.setManifest(sampleManifest());
    QVERIFY(document.setIncluded({0}, false).isEmpty());
    QCOMPARE(document.undoStack()->count(), 1);
    document.setManifest(sampleManifest());
    QCOMPARE(document.undoStack()->count(), 0);
    QVERIFY(document.manifest().entries[0].included);
}

QTEST_MAIN(TestManifestDocument)
#include "tst_manifest_document.moc"
