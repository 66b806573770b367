// PreprocessPreview shows exactly what tandem::preprocessFile produces, and follows its options.
#include "preprocess/image_preprocessor.h"
#include "preprocess_preview.h"
#include "theme.h"
#include "uitest_support.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {
QImage expected(const QString &path, const PreprocessOptions &options, quint64 seed)
{
    const PreprocessResult result = preprocessFile(path, options, seed);
    if (!result.ok())
        return {};
    const cv::Mat &m = result.image;
    return QImage(m.data, m.cols, m.rows, int(m.step),
                  m.channels() == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8)
        .copy();
}
} // namespace

class TestPreprocessPreview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
        for (int i = 0; i < 3; ++i) {
            const QString path = m_dir.filePath(QStringLiteral("image%1.png").arg(i));
            QVERIFY(uitest::classImage(i, i, QSize(160, 100)).save(path));
            m_paths << path;
        }
    }

    void showsExactlyWhatThePipelineProduces_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<bool>("gray");
        QTest::addColumn<bool>("random");
        QTest::addColumn<bool>("flip");
        QTest::newRow("centre 32 rgb") << 32 << 32 << false << false << false;
        QTest::newRow("centre 64x40 gray") << 64 << 40 << true << false << false;
        QTest::newRow("random 48 rgb flip") << 48 << 48 << false << true << true;
    }
    void showsExactlyWhatThePipelineProduces()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(bool, gray);
        QFETCH(bool, random);
        QFETCH(bool, flip);
        PreprocessOptions options;
        options.width = width;
        options.height = height;
        options.color = gray ? PreprocessOptions::Color::Gray : PreprocessOptions::Color::Rgb;
        options.crop = random ? PreprocessOptions::Crop::RandomResized : PreprocessOptions::Crop::Center;
        options.horizontalFlip = flip;

        PreprocessPreview preview;
        QSignalSpy shown(&preview, &PreprocessPreview::frameShown);
        preview.setOptions(options);
        preview.setPaths(m_paths);
        QTRY_VERIFY(preview.tileCount() == m_paths.size() && preview.renderer()->options() == options &&
                    !preview.renderer()->isRendering() && !shown.isEmpty());
        for (int i = 0; i < m_paths.size(); ++i) {
            const QImage want =
                expected(m_paths[i], options, PreviewRenderer::seedFor(preview.renderer()->seedBase(), i));
            QVERIFY(!want.isNull());
            QCOMPARE(preview.outputImage(i).size(), QSize(width, height));
            QCOMPARE(preview.outputImage(i), want); // pixel for pixel: the training code path
        }
        QVERIFY(preview.sizeText().contains(QStringLiteral("%1 × %2 × %3").arg(width).arg(height).arg(gray ? 1 : 3)));
    }

    void optionChangeUpdatesWithoutBlocking()
    {
        PreprocessPreview preview;
        preview.setPaths(m_paths.mid(0, 1));
        QTRY_COMPARE(preview.tileCount(), 1);
        QTRY_VERIFY(!preview.outputImage(0).isNull());
        const QImage before = preview.outputImage(0);

        PreprocessOptions options = preview.renderer()->options();
        options.width = 40;
        options.height = 40;
        QElapsedTimer clock;
        clock.start();
        preview.setOptions(options);
        QVERIFY2(clock.elapsed() < 50, "setOptions must not render on the UI thread");
        QTRY_COMPARE(preview.outputImage(0).size(), QSize(40, 40));
        qInfo("preview updated %lld ms after the change", clock.elapsed());
        QVERIFY(preview.outputImage(0) != before);
    }

    void rerollShowsOtherCrops()
    {
        PreprocessOptions options;
        options.width = options.height = 48;
        options.crop = PreprocessOptions::Crop::RandomResized;
        options.scaleMin = 0.1;
        options.scaleMax = 0.3;
        PreprocessPreview preview;
        preview.setOptions(options);
        preview.setPaths(m_paths.mid(0, 1));
        QTRY_VERIFY(!preview.outputImage(0).isNull() && !preview.renderer()->isRendering());
        const QImage first = preview.outputImage(0);
        const quint64 base = preview.renderer()->seedBase();
        auto *reroll = preview.findChild<QPushButton *>(QStringLiteral("rerollButton"));
        QVERIFY(reroll);
        QVERIFY(reroll->isEnabled());
        QTest::mouseClick(reroll, Qt::LeftButton);
        QCOMPARE(preview.renderer()->seedBase(), base + 1);
        QTRY_VERIFY(preview.outputImage(0) != first);
        QCOMPARE(preview.outputImage(0), expected(m_paths[0], options, PreviewRenderer::seedFor(base + 1, 0)));
    }

    void unreadableFileShowsItsError()
    {
        const QString bad = m_dir.filePath(QStringLiteral("broken.png"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\x89PNG\r\n\x1a\n not really");
        file.close();
        PreprocessPreview preview;
        preview.setPaths({bad});
        QTRY_COMPARE(preview.tileCount(), 1);
        QTRY_VERIFY(!preview.renderer()->isRendering());
        QVERIFY(preview.outputImage(0).isNull());
    }

private:
    QTemporaryDir m_dir;
    QStringList m_paths;
};

QTEST_MAIN(TestPreprocessPreview)
#include "tst_preprocess_preview.moc"
