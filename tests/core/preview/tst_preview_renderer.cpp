// PreviewRenderer: the training code path, off the calling thread, newest state wins.
#include "preview/preview_renderer.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

using namespace tandem;

class TestPreviewRenderer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (int i = 0; i < 3; ++i) {
            cv::Mat image(120 + i * 10, 200, CV_8UC3);
            cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
            const QString path = m_dir.filePath(QStringLiteral("%1.png").arg(i));
            cv::imwrite(path.toStdString(), image);
            m_paths << path;
        }
    }

    void rendersWhatPreprocessFileReturns()
    {
        PreviewRenderer renderer;
        QSignalSpy rendered(&renderer, &PreviewRenderer::rendered);
        PreprocessOptions options;
        options.width = options.height = 48;
        options.crop = PreprocessOptions::Crop::RandomResized;
        options.horizontalFlip = true;
        renderer.setOptions(options);
        renderer.setPaths(m_paths);
        QTRY_VERIFY(!renderer.isRendering() && !rendered.isEmpty());
        const auto frame = rendered.last().at(0).value<PreviewFrame>();
        QCOMPARE(frame.items.size(), std::size_t(3));
        QVERIFY(frame.options == options);
        for (std::size_t i = 0; i < frame.items.size(); ++i) {
            const PreviewItem &item = frame.items[i];
            QVERIFY2(item.output.ok(), qPrintable(item.output.error));
            const PreprocessResult direct = preprocessFile(item.path, options, item.seed);
            QCOMPARE(item.seed, PreviewRenderer::seedFor(renderer.seedBase(), int(i)));
            QVERIFY(cv::norm(item.output.image, direct.image, cv::NORM_INF) == 0);
            QVERIFY(!item.original.empty());
            QVERIFY(item.plan.region.isValid());
            QCOMPARE(item.output.originalSize, QSize(200, 120 + int(i) * 10));
        }
    }

    void changesCoalesce()
    {
        PreviewRenderer renderer;
        QSignalSpy rendered(&renderer, &PreviewRenderer::rendered);
        renderer.setPaths(m_paths);
        PreprocessOptions options;
        for (int side = 20; side < 60; ++side) { // a dragged slider
            options.width = options.height = side;
            renderer.setOptions(options);
        }
        QTRY_VERIFY(!renderer.isRendering() && !rendered.isEmpty());
        QTest::qWait(50);
        QVERIFY2(rendered.size() <= 3, "stale states must not queue up");
        const auto last = rendered.last().at(0).value<PreviewFrame>();
        QCOMPARE(last.options.width, 59); // the newest state is the one shown last
        QCOMPARE(last.items.front().output.image.cols, 59);
    }

    void rerollChangesSeeds()
    {
        PreviewRenderer renderer;
        QSignalSpy rendered(&renderer, &PreviewRenderer::rendered);
        renderer.setPaths(m_paths.mid(0, 1));
        QTRY_VERIFY(!renderer.isRendering() && !rendered.isEmpty());
        const quint64 first = rendered.last().at(0).value<PreviewFrame>().items.front().seed;
        renderer.reroll();
        QTRY_VERIFY(!renderer.isRendering() && rendered.size() >= 2);
        QVERIFY(rendered.last().at(0).value<PreviewFrame>().items.front().seed != first);
    }

private:
    QTemporaryDir m_dir;
    QStringList m_paths;
};

QTEST_GUILESS_MAIN(TestPreviewRenderer)
#include "tst_preview_renderer.moc"
