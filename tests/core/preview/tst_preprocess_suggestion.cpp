// PreprocessSuggestion: small images of one size keep their size (and greyness); others the defaults.
#include "preview/preprocess_suggestion.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

using namespace tandem;

namespace {
QString writeDataset(const QTemporaryDir &dir, const QString &name, const std::vector<cv::Mat> &images)
{
    const QString root = dir.filePath(name);
    int n = 0;
    for (const cv::Mat &image : images) {
        const QString cls = QDir(root).filePath(QStringLiteral("class%1").arg(n % 2));
        QDir().mkpath(cls);
        cv::imwrite(QDir(cls).filePath(QStringLiteral("%1.png").arg(n++)).toStdString(), image);
    }
    return root;
}
} // namespace

class TestPreprocessSuggestion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void suggestion_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("mixedSizes");
        QTest::addColumn<QSize>("expected"); // invalid: no suggestion
        QTest::addColumn<bool>("gray");
        QTest::newRow("fashion-mnist") << 28 << 28 << CV_8UC1 << false << QSize(28, 28) << true;
        QTest::newRow("cifar") << 32 << 32 << CV_8UC3 << false << QSize(32, 32) << false;
        QTest::newRow("photos") << 300 << 200 << CV_8UC3 << false << QSize() << false;
        QTest::newRow("mixed sizes") << 28 << 28 << CV_8UC1 << true << QSize() << false;
    }
    void suggestion()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, type);
        QFETCH(bool, mixedSizes);
        QFETCH(QSize, expected);
        QFETCH(bool, gray);
        QTemporaryDir dir;
        std::vector<cv::Mat> images;
        for (int i = 0; i < 10; ++i)
            images.emplace_back(mixedSizes && i == 5 ? height + 4 : height, width, type, cv::Scalar::all(i * 20));
        const DatasetIndex index = DatasetIndex::scan(writeDataset(dir, QStringLiteral("d"), images));
        QVERIFY(index.error().isEmpty());
        QString why;
        const auto suggested = PreprocessSuggestion::forDataset(index, PreprocessOptions{}, &why);
        QCOMPARE(suggested.has_value(), expected.isValid());
        if (!suggested)
            return;
        QCOMPARE(QSize(suggested->width, suggested->height), expected);
        QCOMPARE(suggested->color == PreprocessOptions::Color::Gray, gray);
        QVERIFY(why.startsWith(QStringLiteral("%1 × %2").arg(width).arg(height)));
        // Already fitting: nothing to suggest.
        QVERIFY(!PreprocessSuggestion::forDataset(index, *suggested));
    }
};

QTEST_GUILESS_MAIN(TestPreprocessSuggestion)
#include "tst_preprocess_suggestion.moc"
