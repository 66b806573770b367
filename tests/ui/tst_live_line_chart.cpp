// LiveLineChart: lines painted over the Qt Charts frame, with a legend, a hover read-out and zoom.
#include "live_line_chart.h"
#include "metrics/decimated_series.h"
#include "theme.h"
#include "uitest_support.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QStandardPaths>
#include <QTest>
#include <QValueAxis>
#include <QWheelEvent>

#include <cmath>

using namespace tandem;

namespace {
const QColor kRed(220, 20, 20);
const QColor kBlue(20, 20, 220);

// Pixels of the image close to `color` (antialiased edges left out).
int pixelsNear(const QImage &image, const QColor &color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) < 40 && std::abs(c.green() - color.green()) < 40 &&
                std::abs(c.blue() - color.blue()) < 40)
                ++count;
        }
    return count;
}

QImage plotImage(LiveLineChart &chart)
{
    const QRect plot = chart.chart()->plotArea().toAlignedRect().adjusted(2, 2, -2, -2);
    return chart.grab().toImage().copy(plot);
}
} // namespace

class TestLiveLineChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::startUi(); }

    void init()
    {
        m_rising = DecimatedSeries();
        m_falling = DecimatedSeries();
        for (int i = 0; i <= 100; ++i) {
            m_rising.append(i, i * 0.5);
            m_falling.append(i, 50.0 - i * 0.25);
        }
    }

    void linesArePaintedAndCanBeHidden_data()
    {
        QTest::addColumn<int>("backend");
        QTest::newRow("painter") << int(LiveLineChart::Backend::Painter);
        QTest::newRow("qt charts") << int(LiveLineChart::Backend::QtCharts);
    }
    void linesArePaintedAndCanBeHidden()
    {
        QFETCH(int, backend);
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("rising"), &m_rising, kRed, 2.0, false, 1.0});
        chart.addLine({QStringLiteral("falling"), &m_falling, kBlue, 2.0, false, 1.0});
        chart.setBackend(LiveLineChart::Backend(backend));
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        // Both lines cross the plot: hundreds of pixels of each colour.
        const QImage both = plotImage(chart);
        QVERIFY2(pixelsNear(both, kRed) > 300, qPrintable(QString::number(pixelsNear(both, kRed))));
        QVERIFY(pixelsNear(both, kBlue) > 300);
        chart.setLineVisible(0, false);
        QVERIFY(!chart.isLineVisible(0));
        const QImage one = plotImage(chart);
        QCOMPARE(pixelsNear(one, kRed), 0);
        QVERIFY(pixelsNear(one, kBlue) > 300);
    }

    void bothBackendsPaintTheSameLines()
    {
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("rising"), &m_rising, kRed, 2.0, false, 1.0});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        const int painted = pixelsNear(plotImage(chart), kRed);
        chart.setBackend(LiveLineChart::Backend::QtCharts);
        const int qtCharts = pixelsNear(plotImage(chart), kRed);
        QVERIFY2(std::abs(painted - qtCharts) <= qtCharts / 10,
                 qPrintable(QStringLiteral("%1 vs %2").arg(painted).arg(qtCharts)));
    }

    void theLegendHasAMarkerPerLine()
    {
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("rising"), &m_rising, kRed, 2.0, false, 1.0});
        chart.addLine({QStringLiteral("falling"), &m_falling, kBlue, 2.0, false, 1.0});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        for (const auto backend : {LiveLineChart::Backend::QtCharts, LiveLineChart::Backend::Painter}) {
            chart.setBackend(backend);
            QCoreApplication::processEvents(); // the legend lays out its new markers
            const QList<QLegendMarker *> markers = chart.chart()->legend()->markers();
            QCOMPARE(markers.size(), 2);
            QStringList labels;
            for (QLegendMarker *marker : markers) {
                QVERIFY(marker->isVisible());
                labels << marker->label();
            }
            QCOMPARE(labels, (QStringList{QStringLiteral("rising"), QStringLiteral("falling")}));
        }
        QVERIFY(chart.chart()->legend()->isVisible());
    }

    void hoverReadsOutTheNearestPointsExactValues()
    {
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("rising"), &m_rising, kRed, 2.0, false, 1.0});
        chart.addLine({QStringLiteral("falling"), &m_falling, kBlue, 2.0, false, 1.0});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        const QLocale locale;
        // x = 40.3: the nearest step is 40, where rising is 20 and falling 40.
        QCOMPARE(chart.readoutAt(40.3), QStringLiteral("step 40 · rising %1 · falling %2")
                                            .arg(locale.toString(20.0, 'g', 4), locale.toString(40.0, 'g', 4)));
        chart.setLineVisible(1, false);
        QCOMPARE(chart.readoutAt(40.6), QStringLiteral("step 41 · rising %1").arg(locale.toString(20.5, 'g', 4)));

        // The mouse over the plot's middle hovers over the middle of the x axis.
        const QRectF plot = chart.chart()->plotArea();
        const QPoint middle = chart.mapFromScene(chart.chart()->mapToScene(plot.center()));
        QTest::mouseMove(chart.viewport(), middle);
        QTRY_VERIFY(chart.hoverX().has_value());
        const double expected = (chart.xAxis()->min() + chart.xAxis()->max()) / 2;
        QVERIFY2(std::abs(*chart.hoverX() - expected) < 0.5, qPrintable(QString::number(*chart.hoverX())));
        // Off the plot (over the title): no read-out.
        QTest::mouseMove(chart.viewport(), QPoint(middle.x(), 3));
        QTRY_VERIFY(!chart.hoverX().has_value());
    }

    void wheelZoomsAroundTheMouseAndStopsFollowing()
    {
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("rising"), &m_rising, kRed, 2.0, false, 1.0});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        QCOMPARE(chart.xAxis()->min(), 0.0);
        QCOMPARE(chart.xAxis()->max(), 100.0);
        const QRectF plot = chart.chart()->plotArea();
        const QPointF at(plot.left() + plot.width() / 4, plot.center().y()); // x = 25
        QWheelEvent wheel(at, chart.mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(chart.viewport(), &wheel);
        QVERIFY(!chart.isFollowing());
        // One notch: 80 % of the span, x = 25 stays under the mouse.
        QCOMPARE(chart.xAxis()->max() - chart.xAxis()->min(), 80.0);
        QCOMPARE(chart.xAxis()->min(), 25.0 - 0.25 * 80.0);
        // The y axis follows what is visible: the rising line's values in [5, 85], rounded out.
        QVERIFY(chart.yAxis()->min() <= 2.5 && chart.yAxis()->min() >= 0.0);
        QVERIFY(chart.yAxis()->max() >= 42.5 && chart.yAxis()->max() <= 50.0);
        QVERIFY(chart.series(0)->count() >= 81); // the visible points and a neighbour each side
        QVERIFY(chart.series(0)->count() <= 83);
        chart.resetZoom();
        QVERIFY(chart.isFollowing());
        QCOMPARE(chart.xAxis()->max(), 100.0);
    }

    void followingMovesTheAxisEndInSteps()
    {
        DecimatedSeries series;
        for (int i = 0; i <= 1000; ++i)
            series.append(i, std::sin(i * 0.1));
        LiveLineChart chart(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        chart.resize(600, 400);
        chart.addLine({QStringLiteral("live"), &series, kRed, 1.0, false, 1.0});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.redraw();
        QCOMPARE(chart.xAxis()->max(), 1000.0); // ticks every 200: the end moves in steps of 40
        series.append(1001, 0.0);
        chart.redraw();
        QCOMPARE(chart.xAxis()->max(), 1040.0);
        for (int i = 1002; i <= 1040; ++i)
            series.append(i, 0.0);
        chart.redraw();
        QCOMPARE(chart.xAxis()->max(), 1040.0); // unchanged: no axis layout
        series.append(1041, 0.0);
        chart.redraw();
        QCOMPARE(chart.xAxis()->max(), 1080.0);
        QCOMPARE(chart.xAxis()->min(), 0.0);
        QVERIFY(chart.isFollowing());
        // A short range follows the data exactly.
        DecimatedSeries few;
        for (int i = 0; i <= 33; ++i)
            few.append(i, i);
        LiveLineChart small(QStringLiteral("t"), QStringLiteral("step"), QStringLiteral("y"));
        small.resize(600, 400);
        small.addLine({QStringLiteral("few"), &few, kRed, 1.0, false, 1.0});
        small.redraw();
        QCOMPARE(small.xAxis()->max(), 33.0);
    }

private:
    DecimatedSeries m_rising;
    DecimatedSeries m_falling;
};

QTEST_MAIN(TestLiveLineChart)
#include "tst_live_line_chart.moc"
