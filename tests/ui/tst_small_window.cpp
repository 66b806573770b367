// The window at 1024 × 640, the smallest laptop screens: it fits, and on every tab no label or
// button is cut off (from widget geometry), the charts keep a usable height, Start stays visible.
#include "main_window.h"
#include "theme.h"
#include "uitest_support.h"

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QAction>
#include <QChartView>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace tandem;

namespace {

constexpr QSize kSmall(1024, 640);

bool visibleIn(const QWidget *widget, const QWidget *window)
{
    return widget->isVisibleTo(window) && widget->width() > 0 && widget->height() > 0;
}

// Empty when widget shows all of its text in its geometry, else what is cut and by how much.
QString clipping(const QWidget *widget)
{
    if (const auto *label = qobject_cast<const QLabel *>(widget)) {
        if (label->text().isEmpty() || label->pixmap().isNull() == false)
            return {};
        if (label->wordWrap()) {
            const int needed = label->heightForWidth(label->width());
            if (needed > label->height() + 1)
                return QStringLiteral("wrapped label needs %1 px of height, has %2").arg(needed).arg(label->height());
            return {};
        }
        // Elided on purpose: the full text is in the tooltip.
        if (!label->toolTip().isEmpty())
            return {};
        const int needed = label->sizeHint().width();
        if (needed > label->width() + 1)
            return QStringLiteral("label needs %1 px of width, has %2").arg(needed).arg(label->width());
        return {};
    }
    if (const auto *button = qobject_cast<const QAbstractButton *>(widget)) {
        if (button->text().isEmpty())
            return {};
        const QSize needed = button->sizeHint();
        if (needed.width() > button->width() + 1)
            return QStringLiteral("button needs %1 px of width, has %2").arg(needed.width()).arg(button->width());
        return {};
    }
    return {};
}

// Where a widget lies outside the visible part of its ancestors (not inside a scroll area, which
// scrolls on purpose), it is clipped too.
QString outsideAncestors(const QWidget *widget, const QWidget *window)
{
    const QRect own(widget->mapTo(window, QPoint(0, 0)), widget->size());
    for (const QWidget *parent = widget->parentWidget(); parent && parent != window; parent = parent->parentWidget()) {
        if (qobject_cast<const QAbstractScrollArea *>(parent))
            return {};
        if (const auto *area = qobject_cast<const QAbstractScrollArea *>(parent->parentWidget());
            area && area->viewport() == parent)
            return {}; // scrolled into view on purpose
        const QRect area(parent->mapTo(window, QPoint(0, 0)), parent->size());
        if (!area.contains(own))
            return QStringLiteral("outside %1 (%2 not in %3)")
                .arg(QString::fromLatin1(parent->metaObject()->className()))
                .arg(QStringLiteral("%1,%2 %3×%4").arg(own.x()).arg(own.y()).arg(own.width()).arg(own.height()))
                .arg(QStringLiteral("%1,%2 %3×%4").arg(area.x()).arg(area.y()).arg(area.width()).arg(area.height()));
    }
    const QRect client(QPoint(0, 0), window->size());
    return client.contains(own) ? QString() : QStringLiteral("outside the window");
}

QString describe(const QWidget *widget)
{
    QString text;
    if (const auto *label = qobject_cast<const QLabel *>(widget))
        text = label->text();
    else if (const auto *button = qobject_cast<const QAbstractButton *>(widget))
        text = button->text();
    return QStringLiteral("%1 '%2' (%3)")
        .arg(QString::fromLatin1(widget->metaObject()->className()), text.left(60), widget->objectName());
}

} // namespace

class TestSmallWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::startUi();
        QVERIFY(m_dir.isValid());
    }

    void everyTabFitsAt1024x640()
    {
        const QString dataset = uitest::writeTinyDataset(m_dir.filePath(QStringLiteral("tiny")), 3, 6, 2);
        MainWindow window(m_dir.filePath(QStringLiteral("small.ini")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(minimum.width() <= kSmall.width() && minimum.height() <= kSmall.height(),
                 qPrintable(QStringLiteral("minimum %1×%2").arg(minimum.width()).arg(minimum.height())));
        window.resize(kSmall);
        QSignalSpy opened(&window, &MainWindow::datasetOpened);
        window.openDataset(dataset);
        QTRY_COMPARE(opened.count(), 1);
        QTRY_COMPARE(window.size(), kSmall);

        QStringList problems;
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QTest::qWait(50); // let the layouts settle (not a timing assertion)
            const QString tabName = window.tabs()->tabText(tab);
            const QList<QWidget *> widgets = window.findChildren<QWidget *>();
            int checked = 0;
            for (const QWidget *widget : widgets) {
                if (!qobject_cast<const QLabel *>(widget) && !qobject_cast<const QAbstractButton *>(widget))
                    continue;
                if (!visibleIn(widget, &window) || widget->window() != &window)
                    continue;
                if (qobject_cast<const QToolBar *>(widget->parentWidget()) &&
                    widget->objectName() == QLatin1String("qt_toolbar_ext_button"))
                    continue;
                ++checked;
                QString why = clipping(widget);
                if (why.isEmpty())
                    why = outsideAncestors(widget, &window);
                if (!why.isEmpty())
                    problems << QStringLiteral("%1: %2: %3").arg(tabName, describe(widget), why);
            }
            QVERIFY2(checked > 5, qPrintable(tabName));
            // Charts keep a usable height.
            for (const QChartView *chart : window.findChildren<QChartView *>())
                if (visibleIn(chart, &window) && chart->height() < 180)
                    problems << QStringLiteral("%1: a chart is only %2 px tall").arg(tabName).arg(chart->height());
        }
        // Start is on the toolbar, not in its overflow menu.
        const QList<QToolBar *> bars = window.findChildren<QToolBar *>();
        bool startVisible = false;
        for (QToolBar *bar : bars)
            for (QAction *action : bar->actions())
                if (action->objectName() == QLatin1String("startAction") ||
                    action->text().contains(QLatin1String("Start")))
                    if (QWidget *button = bar->widgetForAction(action); button && button->isVisible())
                        startVisible = true;
        QVERIFY(startVisible);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));

        if (const QByteArray dir = qgetenv("TANDEM_SCREENSHOT_DIR"); !dir.isEmpty()) {
            window.tabs()->setCurrentIndex(1);
            QTest::qWait(100);
            window.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/tandem-1024x640.png"));
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestSmallWindow)
#include "tst_small_window.moc"
