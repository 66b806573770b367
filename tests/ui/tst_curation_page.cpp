// The Curate tab on real photographs with planted copies: exclude and undo through the window's
// Edit menu, relabel by dropping thumbnails on a class, find duplicates off the UI thread and
// resolve a group with one click, export with progress. With TANDEM_SCREENSHOT_DIR set, the
// curation and duplicate views are saved there (run under Xvfb with -platform xcb for the README).
#include "curation_class_list.h"
#include "curation_fixture.h"
#include "curation_model.h"
#include "curation_page.h"
#include "duplicates_view.h"
#include "main_window.h"
#include "theme.h"
#include "thumbnail_service.h"
#include "uitest_support.h"

#include <QAction>
#include <QApplication>
#include <QDropEvent>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace tandem;

class TestCurationPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void excludeAndUndoFromTheEditMenu();
    void dropOnAClassRelabels();
    void duplicatesAreFoundAndResolvedInOneClick();
    void largeGroupIsCollapsedAndAsksBeforeExcluding();
    void editsSurviveQuitAndAnotherDataset();
    void exportRunsOffTheUiThread();
    void applyToFilesMovesThemOffTheUiThread();

private:
    void saveScreenshot(QWidget *window, const char *name);
    QTemporaryDir m_dir;
    QString m_root;
};

void TestCurationPage::initTestCase()
{
    uitest::startUi();
    if (TestImages::naturePhotos().size() < 8)
        QSKIP("mate-backgrounds is not installed");
    m_root = m_dir.filePath(QStringLiteral("photos"));
    QVERIFY(curationtest::writeDistinctDataset(m_root, 480));
    QVERIFY(curationtest::copyFile(m_root, QStringLiteral("train/flowers/fresh.jpg"),
                                   QStringLiteral("train/flowers/fresh-copy.jpg")));
    QVERIFY(curationtest::writeNearCopy(m_root, QStringLiteral("train/landscapes/not-a-landscape.jpg"), "LadyBird.jpg",
                                        480, 60, 0.7));
    QVERIFY(curationtest::writeNearCopy(m_root, QStringLiteral("val/landscapes/storm-again.jpg"), "Storm.jpg", 480, 60,
                                        0.7));
    QVERIFY(curationtest::writePhoto(m_root, QStringLiteral("train/landscapes/wood.jpg"), "Wood.jpg", 480));
}

// Each test starts from the folders as scanned: the edits an earlier one made to the shared
// dataset save themselves, and would otherwise come back.
void TestCurationPage::init()
{
    QFile::remove(CurationPage::autosavePath(m_root));
}

void TestCurationPage::cleanupTestCase()
{
    QDir(QFileInfo(CurationPage::autosavePath(m_root)).absolutePath()).removeRecursively();
}

void TestCurationPage::saveScreenshot(QWidget *window, const char *name)
{
    const QString dir = qEnvironmentVariable("TANDEM_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(800); // thumbnails arrive from the loader threads
    QVERIFY(window->grab().save(QDir(dir).filePath(QString::fromLatin1(name))));
}

void TestCurationPage::excludeAndUndoFromTheEditMenu()
{
    MainWindow window(m_dir.filePath(QStringLiteral("settings.ini")));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(m_root);
    QTRY_COMPARE(opened.count(), 1);
    CurationPage *page = window.curationPage();
    QCOMPARE(page->model()->rowCount(), 12);
    QCOMPARE(page->classList()->count(), 3); // all, flowers, landscapes

    const DatasetManifest before = page->document()->manifest();
    page->grid()->selectionModel()->select(page->model()->index(1), QItemSelectionModel::Select);
    page->grid()->selectionModel()->select(page->model()->index(4), QItemSelectionModel::Select);
    page->excludeSelected();
    QCOMPARE(page->document()->manifest().includedCount(), qint64(10));
    QVERIFY(!page->model()->index(1).data(CurationModel::IncludedRole).toBool());
    QVERIFY(window.undoAction()->isEnabled());
    QCOMPARE(window.undoAction()->text(), QStringLiteral("&Undo Exclude 2 images"));
    window.undoAction()->trigger();
    QVERIFY(page->document()->manifest() == before);
    window.redoAction()->trigger();
    QCOMPARE(page->document()->manifest().includedCount(), qint64(10));

    window.resize(1600, 1000);
    window.tabs()->setCurrentWidget(page);
    saveScreenshot(&window, "tandem-curation.png");
}

void TestCurationPage::dropOnAClassRelabels()
{
    CurationPage page;
    page.resize(1200, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.setIndex(DatasetIndex::scan(m_root));
    const int row = page.model()->rowOfEntry(0);
    QCOMPARE(page.model()->index(row).data(CurationModel::LabelRole).toInt(), 0);

    std::unique_ptr<QMimeData> mime(page.model()->mimeData({page.model()->index(row)}));
    QListWidget *classes = page.classList();
    QTRY_VERIFY(!classes->visualItemRect(classes->item(2)).isEmpty());        // laid out after the event loop runs
    const QPoint target = classes->visualItemRect(classes->item(2)).center(); // "landscapes"
    // As a real drag: QApplication delivers a drop only to the widget that accepted the enter.
    QDragEnterEvent enter(target, Qt::CopyAction | Qt::MoveAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(classes->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(target, Qt::CopyAction | Qt::MoveAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(classes->viewport(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(target, Qt::CopyAction | Qt::MoveAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(classes->viewport(), &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(page.document()->manifest().entries[0].label, 1);
    QVERIFY(classes->item(2)->text().contains(QStringLiteral("landscapes")));
    page.document()->undoStack()->undo();
    QCOMPARE(page.document()->manifest().entries[0].label, 0);

    // A drop of something else is refused.
    QMimeData text;
    text.setText(QStringLiteral("0"));
    QDragEnterEvent other(target, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(classes->viewport(), &other);
    QVERIFY(!other.isAccepted());
    QCOMPARE(page.document()->undoStack()->index(), 0);
}

void TestCurationPage::duplicatesAreFoundAndResolvedInOneClick()
{
    MainWindow window(m_dir.filePath(QStringLiteral("settings-dup.ini")));
    window.resize(1600, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(m_root);
    QTRY_COMPARE(opened.count(), 1);
    CurationPage *page = window.curationPage();
    window.tabs()->setCurrentWidget(page);
    QSignalSpy finished(page, &CurationPage::jobFinished);
    page->findProblems();
    QVERIFY(page->isBusy() || finished.count() == 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(page->duplicates()->groupCount(), 3);
    QCOMPARE(page->views()->currentWidget(), page->duplicates());
    for (const ManifestEntry &entry : page->document()->manifest().entries)
        QVERIFY(entry.contentHash != 0);
    saveScreenshot(&window, "tandem-duplicates.png");

    const qint64 before = page->document()->manifest().includedCount();
    QPushButton *resolve = page->duplicates()->resolveButton(0);
    QVERIFY(resolve && resolve->isEnabled());
    QTest::mouseClick(resolve, Qt::LeftButton);
    QCOMPARE(page->document()->manifest().includedCount(), before - 1);
    QVERIFY(!resolve->isEnabled());
    window.undoAction()->trigger();
    QCOMPARE(page->document()->manifest().includedCount(), before);
    QVERIFY(resolve->isEnabled());

    // Another dataset: the old findings go, and nothing claims "no duplicates" before a search.
    QVERIFY(page->views()->tabText(1).startsWith(QStringLiteral("Duplicates (")));
    const QString other = m_dir.filePath(QStringLiteral("other-photos"));
    QVERIFY(curationtest::writeDistinctDataset(other, 200));
    window.openDataset(other);
    QTRY_COMPARE(opened.count(), 2);
    QTRY_COMPARE(page->document()->manifest().root, other);
    QCOMPARE(page->duplicates()->groupCount(), 0);
    QCOMPARE(page->views()->tabText(1), QStringLiteral("Duplicates"));
    QCOMPARE(page->views()->tabText(2), QStringLiteral("Issues"));
    auto *summary = page->duplicates()->findChild<QLabel *>(QStringLiteral("duplicatesSummary"));
    QVERIFY(summary);
    QVERIFY2(!summary->text().contains(QStringLiteral("No duplicates")), qPrintable(summary->text()));
}

// One click on "Keep first, exclude others" once excluded 449 images without a word, from a group
// that showed 8 of them. Now the rest are counted, and more than a few exclusions ask first.
void TestCurationPage::largeGroupIsCollapsedAndAsksBeforeExcluding()
{
    const DatasetManifest manifest = DatasetManifest::fromIndex(DatasetIndex::scan(m_root));
    QCOMPARE(manifest.entries.size(), size_t(12));
    DuplicateGroup big;
    big.kind = DuplicateGroup::Kind::Near;
    big.crossClass = true;
    for (int i = 0; i < 12; ++i)
        big.members.push_back(i);
    DuplicateGroup pair;
    pair.kind = DuplicateGroup::Kind::Exact;
    pair.members = {0, 1};

    ThumbnailService thumbnails;
    DuplicatesView view(&thumbnails);
    view.setGroups({big, pair}, manifest);
    view.resize(1000, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QList<QLabel *> more = view.findChildren<QLabel *>(QStringLiteral("moreMembers"));
    QCOMPARE(more.size(), 1);
    QCOMPARE(more.first()->text(), QStringLiteral("+%1 more").arg(12 - DuplicatesView::kMaxShownMembers));
    QVERIFY(more.first()->toolTip().contains(manifest.entries[11].relativePath));

    QSignalSpy resolved(&view, &DuplicatesView::resolveRequested);
    // Answers the confirmation that the click opens: the button whose text starts with `choice`.
    auto answer = [](const QString &choice, QString *question) {
        QTimer::singleShot(0, [choice, question] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            *question = box->text();
            for (QAbstractButton *button : box->buttons())
                if (button->text().startsWith(choice))
                    button->click();
        });
    };
    QString question;
    answer(QStringLiteral("Cancel"), &question);
    QTest::mouseClick(view.resolveButton(0), Qt::LeftButton);
    QVERIFY2(question.contains(QStringLiteral("excludes the other 11")), qPrintable(question));
    QVERIFY(question.contains(QStringLiteral("flowers (")) && question.contains(QStringLiteral("landscapes (")));
    QCOMPARE(resolved.count(), 0);

    answer(QStringLiteral("Exclude 11"), &question);
    QTest::mouseClick(view.resolveButton(0), Qt::LeftButton);
    QCOMPARE(resolved.count(), 1);
    QCOMPARE(resolved.first().first().value<std::vector<int>>().size(), size_t(11));

    // A pair is one exclusion: no question.
    question.clear();
    QTest::mouseClick(view.resolveButton(1), Qt::LeftButton);
    QCOMPARE(resolved.count(), 2);
    QVERIFY(question.isEmpty());

    // Resolved counts every member, not only the eight shown: one still included is not enough.
    DatasetManifest edited = manifest;
    for (int i = 1; i < DuplicatesView::kMaxShownMembers; ++i)
        edited.entries[size_t(i)].included = false;
    view.refresh(edited);
    QVERIFY(view.resolveButton(0)->isEnabled());
    for (int i = DuplicatesView::kMaxShownMembers; i < 12; ++i)
        edited.entries[size_t(i)].included = false;
    view.refresh(edited);
    QVERIFY(!view.resolveButton(0)->isEnabled());
}

// Quit once exited without a word and lost the curation; opening another dataset dropped it too.
// Now edits save themselves, so neither asks, and both keep them.
void TestCurationPage::editsSurviveQuitAndAnotherDataset()
{
    const QString root = m_dir.filePath(QStringLiteral("kept"));
    QVERIFY(curationtest::writeDistinctDataset(root, 200));
    const QString other = m_dir.filePath(QStringLiteral("kept-other"));
    QVERIFY(curationtest::writeDistinctDataset(other, 120));
    QFile::remove(CurationPage::autosavePath(root));
    const QString settings = m_dir.filePath(QStringLiteral("settings-kept.ini"));
    const QString excluded = QStringLiteral("train/flowers/yellow.jpg");
    auto indexOf = [](const DatasetManifest &m, const QString &path) {
        for (size_t i = 0; i < m.entries.size(); ++i)
            if (m.entries[i].relativePath == path)
                return int(i);
        return -1;
    };
    {
        MainWindow window(settings);
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(root);
        QTRY_COMPARE(opened.count(), 1);
        CurationPage *page = window.curationPage();
        const int entry = indexOf(page->document()->manifest(), excluded);
        QVERIFY(entry >= 0);
        QVERIFY(page->document()->setIncluded({entry}, false).isEmpty());
        page->flushAutosave();
        QVERIFY(QFileInfo::exists(CurationPage::autosavePath(root)));

        // Another dataset, and back: the exclusion is still there, and the window said so.
        QSignalSpy notices(page, &CurationPage::notice);
        window.openDataset(other);
        QTRY_COMPARE(opened.count(), 2);
        QCOMPARE(page->document()->manifest().includedCount(), qint64(8));
        window.openDataset(root);
        QTRY_COMPARE(opened.count(), 3);
        QTRY_COMPARE(page->document()->manifest().root, root);
        QCOMPARE(page->document()->manifest().includedCount(), qint64(7));
        QStringList texts;
        for (const QList<QVariant> &n : notices)
            texts << n.at(1).toString();
        QVERIFY2(texts.join(QLatin1Char('\n')).contains(QStringLiteral("Restored your curation of kept")),
                 qPrintable(texts.join(QLatin1Char('\n'))));
        window.close(); // Quit: no question to answer
    }
    {
        MainWindow window(settings);
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(root);
        QTRY_COMPARE(opened.count(), 1);
        const DatasetManifest &m = window.curationPage()->document()->manifest();
        QCOMPARE(m.includedCount(), qint64(7));
        QVERIFY(!m.entries[size_t(indexOf(m, excluded))].included);
        // Undoing the last edit leaves nothing to keep: the saved file goes.
        const int entry = indexOf(m, excluded);
        QVERIFY(window.curationPage()->document()->setIncluded({entry}, true).isEmpty());
        window.curationPage()->flushAutosave();
        QVERIFY(!QFileInfo::exists(CurationPage::autosavePath(root)));
    }
}

void TestCurationPage::exportRunsOffTheUiThread()
{
    CurationPage page;
    page.setIndex(DatasetIndex::scan(m_root));
    QSignalSpy finished(&page, &CurationPage::jobFinished);
    QSignalSpy notices(&page, &CurationPage::notice);
    ExportOptions options;
    options.outputPath = m_dir.filePath(QStringLiteral("export"));
    options.preprocess.width = 48;
    options.preprocess.height = 48;
    page.exportDataset(options);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(notices.count(), 1);
    QCOMPARE(notices.first().at(0).toBool(), false);
    QVERIFY2(notices.first().at(1).toString().startsWith(QStringLiteral("Exported 12 images")),
             qPrintable(notices.first().at(1).toString()));
    QVERIFY(QFileInfo::exists(QDir(options.outputPath).filePath(QStringLiteral("manifest.csv"))));
}

void TestCurationPage::applyToFilesMovesThemOffTheUiThread()
{
    // A copy: the other cases use the original folder.
    const QString root = m_dir.filePath(QStringLiteral("apply"));
    QVERIFY(curationtest::writeDistinctDataset(root));
    CurationPage page;
    page.setIndex(DatasetIndex::scan(root));
    QVERIFY(page.document()->setIncluded({0}, false).isEmpty());
    const QString excluded = page.document()->manifest().entries[0].relativePath;
    QSignalSpy finished(&page, &CurationPage::jobFinished);
    page.applyToFiles();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QVERIFY(!QFileInfo::exists(QDir(root).filePath(excluded)));
    QVERIFY(QFileInfo::exists(QDir(root).filePath(QStringLiteral(".tandem-excluded/") + excluded)));
    QCOMPARE(page.document()->manifest().entries[0].relativePath, QStringLiteral(".tandem-excluded/") + excluded);
    QCOMPARE(page.document()->undoStack()->count(), 0);
    QCOMPARE(DatasetIndex::scan(root).samples().size(), size_t(7));
}

QTEST_MAIN(TestCurationPage)
#include "tst_curation_page.moc"
