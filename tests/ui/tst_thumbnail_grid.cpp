// The thumbnail grid stays smooth with 100,000 images: only what is on screen is decoded.
#include "dataset_model.h"
#include "preview/thumbnail_loader.h"
#include "theme.h"
#include "thumbnail_grid.h"
#include "uitest_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestThumbnailGrid : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
        for (int i = 0; i < 4; ++i) {
            const QString path = m_dir.filePath(QStringLiteral("real%1.png").arg(i));
            QVERIFY(uitest::classImage(i, i, QSize(300, 200)).save(path));
            m_real << path;
        }
    }

    void hundredThousandImagesScrollSmoothly()
    {
        constexpr int kImages = 100'000;
        std::vector<IndexedSample> samples(kImages);
        for (int i = 0; i < kImages; ++i) {
            samples[std::size_t(i)].label = i % 10;
            // A few real files; the rest do not exist and fail to decode, which costs the same queue.
            samples[std::size_t(i)].path =
                i < m_real.size() ? m_real[i] : m_dir.filePath(QStringLiteral("missing/%1.png").arg(i));
            samples[std::size_t(i)].split = i % 10 == 0 ? SampleSplit::Val : SampleSplit::Train;
        }
        QStringList classes;
        for (int c = 0; c < 10; ++c)
            classes << QStringLiteral("class %1").arg(c);

        ThumbnailGrid grid;
        grid.resize(900, 700);
        QElapsedTimer clock;
        clock.start();
        grid.setSamples(std::move(samples), classes);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        const qint64 setupMs = clock.elapsed();
        QCOMPARE(grid.model()->rowCount(), kImages);

        // Jump through the whole list as a person dragging the scroll bar would, painting each time.
        QScrollBar *bar = grid.view()->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        clock.restart();
        constexpr int kJumps = 40;
        for (int i = 0; i <= kJumps; ++i) {
            bar->setValue(bar->maximum() * i / kJumps);
            grid.view()->viewport()->repaint();
        }
        const double perFrameMs = double(clock.elapsed()) / (kJumps + 1);
        qInfo("100,000 images: model and first layout %lld ms, %.2f ms per scrolled frame", setupMs, perFrameMs);
        // Only a screenful is ever queued, however far the list was scrolled.
        QVERIFY(grid.model()->loader().queuedCount() <= ThumbnailLoader::kMaxPending);
        QVERIFY(grid.model()->loader().pendingCount() < 5000); // far from the 100,000 scrolled past
        QVERIFY2(perFrameMs < 250, "scrolling a 100,000-image grid must stay interactive");

        // The filter is arithmetic too.
        clock.restart();
        grid.setClassFilter(3);
        QCOMPARE(grid.model()->rowCount(), kImages / 10);
        qInfo("filtering 100,000 images: %lld ms", clock.elapsed());
    }

    void thumbnailsArriveAndSelectionReportsPaths()
    {
        std::vector<IndexedSample> samples;
        for (int i = 0; i < m_real.size(); ++i)
            samples.push_back({m_real[i], i % 2, SampleSplit::Train, 0});
        ThumbnailGrid grid;
        grid.resize(600, 400);
        grid.setSamples(std::move(samples), {QStringLiteral("a"), QStringLiteral("b")});
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        DatasetModel *model = grid.model();
        QTRY_COMPARE(model->index(3).data(DatasetModel::ThumbnailStateRole).toInt(),
                     int(DatasetModel::ThumbnailState::Ready));
        const QPixmap thumb = model->index(3).data(Qt::DecorationRole).value<QPixmap>();
        QCOMPARE(thumb.size(), QSize(160, 107)); // longest side 160, aspect kept

        QSignalSpy selected(&grid, &ThumbnailGrid::selectionChanged);
        grid.selectRows({1, 3});
        QVERIFY(!selected.isEmpty());
        QCOMPARE(grid.selectedPaths(), (QStringList{m_real[1], m_real[3]}));
    }

    void missingFilesShowAsBroken()
    {
        ThumbnailGrid grid;
        grid.setSamples({{m_dir.filePath(QStringLiteral("nope.jpg")), 0, SampleSplit::Train, 0}},
                        {QStringLiteral("x")});
        grid.resize(300, 300);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        const QModelIndex index = grid.model()->index(0);
        QTRY_COMPARE(index.data(DatasetModel::ThumbnailStateRole).toInt(), int(DatasetModel::ThumbnailState::Failed));
        QVERIFY(index.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Cannot show")));
    }

    // Issue 13: an empty folder showed the generic "Open an image dataset" prompt.
    void anEmptyFolderSaysSo()
    {
        QTemporaryDir dir;
        const DatasetIndex empty = DatasetIndex::scan(dir.path());
        QVERIFY2(empty.error().contains(QStringLiteral("is empty")), qPrintable(empty.error()));
        ThumbnailGrid grid;
        grid.showProblem(dir.path(), empty.error());
        QVERIFY2(grid.emptyText().contains(QStringLiteral("No images to show from")), qPrintable(grid.emptyText()));
        QVERIFY(grid.emptyText().contains(QStringLiteral("is empty")));

        // Class folders without images, then one holding only a file that is no image.
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("cats")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("dogs")));
        grid.setIndex(DatasetIndex::scan(dir.path()));
        QVERIFY2(grid.emptyText().contains(QStringLiteral("hold no image files")), qPrintable(grid.emptyText()));
        QFile notes(dir.filePath(QStringLiteral("cats/notes.jpg")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("shopping list");
        notes.close();
        grid.setIndex(DatasetIndex::scan(dir.path()));
        QVERIFY2(grid.emptyText().contains(QStringLiteral("None of its 1 file(s)")), qPrintable(grid.emptyText()));

        // A folder with images puts the default prompt back for next time.
        grid.setIndex(DatasetIndex::scan(uitest::writeTinyDataset(dir.filePath(QStringLiteral("ok")), 2, 1, 1)));
        QVERIFY(!grid.emptyText().contains(QStringLiteral("No images to show")));
    }

private:
    QTemporaryDir m_dir;
    QStringList m_real;
};

QTEST_MAIN(TestThumbnailGrid)
#include "tst_thumbnail_grid.moc"
