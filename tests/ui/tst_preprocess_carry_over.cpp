// Preprocessing set for one dataset is not applied silently to another (issue 13: 28 × 28 grey on photos).
#include "dataset_page.h"
#include "main_window.h"
#include "message_area.h"
#include "preprocess_carry_over.h"
#include "theme.h"
#include "uitest_support.h"

#include <QAction>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestPreprocessCarryOver : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
        m_photos = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("photos")), 2, 3, 1); // 96 × 64 colour
    }

    void check()
    {
        const DatasetIndex photos = DatasetIndex::scan(m_photos);
        PreprocessOptions grey28;
        grey28.width = grey28.height = 28;
        grey28.color = PreprocessOptions::Color::Gray;
        const auto carry = PreprocessCarryOver::check(m_dir.filePath(QStringLiteral("fashion")), photos, grey28);
        QVERIFY(carry);
        QVERIFY2(carry->text.contains(QStringLiteral("28 × 28 grey")), qPrintable(carry->text));
        QVERIFY2(carry->text.contains(QStringLiteral("fashion")), qPrintable(carry->text));
        // Photographs get the default size in colour (only small uniform images keep their own size).
        QCOMPARE(carry->fitted.width, PreprocessOptions{}.width);
        QCOMPARE(carry->fitted.height, PreprocessOptions{}.height);
        QCOMPARE(carry->fitted.color, PreprocessOptions::Color::Rgb);
        // Same folder, or nothing chosen before, or settings that already fit: nothing to say.
        QVERIFY(!PreprocessCarryOver::check(m_photos, photos, grey28));
        QVERIFY(!PreprocessCarryOver::check(QString(), photos, grey28));
        QVERIFY(!PreprocessCarryOver::check(m_dir.filePath(QStringLiteral("fashion")), photos, carry->fitted));
    }

    void theWindowSaysSoAndFits()
    {
        const QString other = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("other")), 2, 3, 1);
        MainWindow window(m_dir.filePath(QStringLiteral("carry.ini")));
        window.show();
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(other);
        QTRY_COMPARE(opened.count(), 1);
        PreprocessOptions grey28 = window.findChild<DatasetPage *>()->preprocessOptions();
        grey28.width = grey28.height = 28;
        grey28.color = PreprocessOptions::Color::Gray;
        window.findChild<DatasetPage *>()->setPreprocessOptions(grey28);

        window.openDataset(m_photos);
        QTRY_COMPARE(opened.count(), 2);
        const QString texts = window.findChild<MessageArea *>()->texts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("was set for other")), qPrintable(texts));
        auto *fit = window.findChild<QAction *>(QStringLiteral("fitPreprocessAction"));
        QVERIFY(fit);
        fit->trigger();
        const PreprocessOptions now = window.findChild<DatasetPage *>()->preprocessOptions();
        QCOMPARE(now.width, PreprocessOptions{}.width);
        QCOMPARE(now.color, PreprocessOptions::Color::Rgb);
    }

private:
    QTemporaryDir m_dir;
    QString m_photos;
};

QTEST_MAIN(TestPreprocessCarryOver)
#include "tst_preprocess_carry_over.moc"
