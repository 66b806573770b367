// Tests of PreprocessOptions: derived sizes, validation and the JSON the UI persists.
#include "preprocess/preprocess_options.h"

#include <QJsonDocument>
#include <QTest>

using namespace tandem;

Q_DECLARE_METATYPE(tandem::PreprocessOptions)

class TestPreprocessOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizes_data();
    void sizes();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void jsonErrors_data();
    void jsonErrors();
    void validate_data();
    void validate();
};

void TestPreprocessOptions::sizes_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<bool>("gray");
    QTest::addColumn<int>("channels");
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("rgb 224") << 224 << 224 << false << 3 << qint64(224 * 224 * 3);
    QTest::newRow("gray 28") << 28 << 28 << true << 1 << qint64(28 * 28);
    QTest::newRow("rgb 4096x4096") << 4096 << 4096 << false << 3 << qint64(4096) * 4096 * 3;
}

void TestPreprocessOptions::sizes()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(bool, gray);
    QFETCH(int, channels);
    QFETCH(qint64, bytes);
    PreprocessOptions options;
    options.width = width;
    options.height = height;
    options.color = gray ? PreprocessOptions::Color::Gray : PreprocessOptions::Color::Rgb;
    QCOMPARE(options.channels(), channels);
    QCOMPARE(options.sampleBytes(), bytes);
}

void TestPreprocessOptions::jsonRoundTrip_data()
{
    QTest::addColumn<PreprocessOptions>("options");
    QTest::newRow("defaults") << PreprocessOptions();
    PreprocessOptions changed;
    changed.width = 96;
    changed.height = 64;
    changed.color = PreprocessOptions::Color::Gray;
    changed.crop = PreprocessOptions::Crop::RandomResized;
    changed.resizeShorter = 110.5;
    changed.scaleMin = 0.25;
    changed.scaleMax = 0.9;
    changed.ratioMin = 0.5;
    changed.ratioMax = 2;
    changed.horizontalFlip = true;
    changed.reducedDecode = false;
    changed.maxPixels = 12'345'678;
    changed.maxFileBytes = 5LL << 30;
    QTest::newRow("every field changed") << changed;
}

void TestPreprocessOptions::jsonRoundTrip()
{
    QFETCH(PreprocessOptions, options);
    // Through text, as the UI stores it.
    const QByteArray text = QJsonDocument(options.toJson()).toJson();
    QString error;
    const PreprocessOptions back = PreprocessOptions::fromJson(QJsonDocument::fromJson(text).object(), &error);
    QCOMPARE(error, QString());
    QVERIFY(back == options);
    QVERIFY(!(back != options));
    PreprocessOptions other = options;
    other.horizontalFlip = !other.horizontalFlip;
    QVERIFY(other != options);
}

void TestPreprocessOptions::jsonErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("scaleMin");
    QTest::newRow("empty keeps defaults") << QByteArray("{}") << QString() << 224 << 0.08;
    QTest::newRow("width too large") << QByteArray(R"({"width": 5000, "height": 32})")
                                     << "width must be an integer in 1..4096" << 224 << 0.08;
    QTest::newRow("width fractional") << QByteArray(R"({"width": 10.5})") << "width must be an integer in 1..4096"
                                      << 224 << 0.08;
    QTest::newRow("width as text") << QByteArray(R"({"width": "64"})") << "width must be an integer in 1..4096" << 224
                                   << 0.08;
    QTest::newRow("bad colour") << QByteArray(R"({"color": "cmyk", "width": 64})") << R"(color must be "rgb" or "gray")"
                                << 64 << 0.08;
    QTest::newRow("scale swapped") << QByteArray(R"({"scaleMin": 0.9, "scaleMax": 0.2})")
                                   << "scaleMin is above scaleMax" << 224 << 0.08;
    QTest::newRow("scale valid") << QByteArray(R"({"scaleMin": 0.3})") << QString() << 224 << 0.3;
}

void TestPreprocessOptions::jsonErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QFETCH(int, width);
    QFETCH(double, scaleMin);
    QString problems;
    const PreprocessOptions options = PreprocessOptions::fromJson(QJsonDocument::fromJson(json).object(), &problems);
    QCOMPARE(problems, error);
    QCOMPARE(options.width, width);
    QCOMPARE(options.scaleMin, scaleMin);
    QCOMPARE(options.validate(), QString());
}

void TestPreprocessOptions::validate_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("scaleMin");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<QString>("error");
    QTest::newRow("valid") << 224 << 0.08 << qint64(1) << QString();
    QTest::newRow("width 0") << 0 << 0.08 << qint64(1) << "width 0 is out of 1..4096";
    QTest::newRow("scale 0") << 224 << 0.0 << qint64(1) << "crop scale 0..1 is not within 0..1";
    QTest::newRow("two problems") << 5000 << 0.08 << qint64(0)
                                  << "width 5000 is out of 1..4096; pixel limit 0 must be positive";
}

void TestPreprocessOptions::validate()
{
    QFETCH(int, width);
    QFETCH(double, scaleMin);
    QFETCH(qint64, maxPixels);
    QFETCH(QString, error);
    PreprocessOptions options;
    options.width = width;
    options.scaleMin = scaleMin;
    options.maxPixels = maxPixels;
    QCOMPARE(options.validate(), error);
}

QTEST_GUILESS_MAIN(TestPreprocessOptions)
#include "tst_preprocess_options.moc"
