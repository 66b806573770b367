// The Dataset tab: a scanned folder fills classes, grid and preview; a control changes the preview.
#include "class_balance_model.h"
#include "class_list_panel.h"
#include "dataset_model.h"
#include "dataset_page.h"
#include "preprocess_preview.h"
#include "skipped_files_view.h"
#include "theme.h"
#include "thumbnail_grid.h"
#include "uitest_support.h"

#include <QComboBox>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestDatasetPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
        uitest::writeTinyDataset(m_dir.path(), 3, 5, 2);
        // One file that is not an image: listed with its reason.
        QFile junk(m_dir.filePath(QStringLiteral("train/class_1/notes.png")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("%PDF-1.4 this is a PDF");
        junk.close();
        m_index = DatasetIndex::scan(m_dir.path());
        QVERIFY2(m_index.error().isEmpty(), qPrintable(m_index.error()));
    }

    void showsClassesImagesAndSkippedFiles()
    {
        DatasetPage page;
        page.resize(1400, 900);
        page.show();
        page.setIndex(m_index);
        ClassBalanceModel *classes = page.classPanel()->model();
        QCOMPARE(classes->rowCount(), 3);
        QCOMPARE(classes->index(0, ClassBalanceModel::NameColumn).data().toString(), QStringLiteral("class_0"));
        QCOMPARE(classes->index(1, ClassBalanceModel::TrainColumn).data().toString(), QStringLiteral("5"));
        QCOMPARE(classes->index(1, ClassBalanceModel::ValColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(classes->index(0, ClassBalanceModel::BalanceColumn).data(ClassBalanceModel::FractionRole).toDouble(),
                 1.0);
        QCOMPARE(page.grid()->model()->rowCount(), 21);
        QCOMPARE(page.classPanel()->skippedView()->fileCount(), 1);
        QVERIFY(page.classPanel()->skippedView()->topLevelItem(0)->text(1).contains(QStringLiteral("PDF")));

        // The first image of each class is previewed before anything is chosen.
        QTRY_VERIFY(page.preview()->tileCount() == 3);
        QTRY_VERIFY(!page.preview()->outputImage(0).isNull());

        // Choosing a class filters the grid.
        page.grid()->setClassFilter(2);
        QCOMPARE(page.grid()->model()->rowCount(), 7);
    }

    void changingAControlChangesThePreview()
    {
        DatasetPage page;
        page.resize(1400, 900);
        page.show();
        page.setIndex(m_index);
        QTRY_VERIFY(page.preview()->tileCount() > 0 && !page.preview()->outputImage(0).isNull());
        QTRY_VERIFY(!page.preview()->renderer()->isRendering());
        const QImage before = page.preview()->outputImage(0);

        // As a person would: type a new width into the control.
        auto *width = page.findChild<QSpinBox *>(QStringLiteral("widthSpin"));
        QVERIFY(width);
        width->setValue(57);
        QTRY_COMPARE(page.preview()->outputImage(0).width(), 57);
        QVERIFY(page.preview()->outputImage(0) != before);
        QCOMPARE(page.preprocessOptions().width, 57);

        auto *color = page.findChild<QComboBox *>(QStringLiteral("colorCombo"));
        QVERIFY(color);
        color->setCurrentIndex(color->findData(int(PreprocessOptions::Color::Gray)));
        QTRY_COMPARE(page.preview()->outputImage(0).format(), QImage::Format_Grayscale8);
    }

    void thumbnailsLoadOffTheUiThread()
    {
        DatasetPage page;
        page.resize(1400, 900);
        page.show();
        page.setIndex(m_index);
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        DatasetModel *model = page.grid()->model();
        const QModelIndex first = model->index(0);
        (void)first.data(Qt::DecorationRole); // as a paint would
        QTRY_COMPARE(first.data(DatasetModel::ThumbnailStateRole).toInt(), int(DatasetModel::ThumbnailState::Ready));
        QVERIFY(first.data(Qt::DecorationRole).value<QPixmap>().width() > 0);
    }

private:
    QTemporaryDir m_dir;
    DatasetIndex m_index;
};

QTEST_MAIN(TestDatasetPage)
#include "tst_dataset_page.moc"
