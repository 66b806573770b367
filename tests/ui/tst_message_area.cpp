// The message area: newest first, one message per key, bounded, dismissable, never modal.
#include "message_area.h"
#include "theme.h"
#include "uitest_support.h"

#include <QAction>
#include <QLineEdit>
#include <QVBoxLayout>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

using namespace tandem;

class TestMessageArea : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::startUi(); }

    void postsNewestFirstAndReplacesByKey()
    {
        MessageArea area;
        QVERIFY(!area.isVisibleTo(nullptr) || area.count() == 0);
        area.post(Severity::Error, QStringLiteral("first"), QStringLiteral("connection"));
        area.post(Severity::Warning, QStringLiteral("second"));
        area.post(Severity::Error, QStringLiteral("third"), QStringLiteral("connection"));
        QCOMPARE(area.texts(), (QStringList{QStringLiteral("third"), QStringLiteral("second")}));
        area.dismiss(QStringLiteral("connection"));
        QTRY_COMPARE(area.texts(), QStringList{QStringLiteral("second")});
    }

    void keepsAtMostAFew()
    {
        MessageArea area;
        for (int i = 0; i < MessageArea::kMaxMessages + 3; ++i)
            area.post(Severity::Warning, QString::number(i));
        QCOMPARE(area.count(), MessageArea::kMaxMessages);
        QCOMPARE(area.texts().first(), QString::number(MessageArea::kMaxMessages + 2));
    }

    void closeButtonAndActionWork()
    {
        MessageArea area;
        QAction retry(QStringLiteral("Retry"));
        QSignalSpy triggered(&retry, &QAction::triggered);
        area.post(Severity::Error, QStringLiteral("refused"), QStringLiteral("k"), &retry);
        area.show();
        const auto buttons = area.findChildren<QToolButton *>();
        QToolButton *action = nullptr;
        QToolButton *close = nullptr;
        for (QToolButton *b : buttons)
            (b->defaultAction() == &retry ? action : close) = b;
        QVERIFY(action && close);
        QTest::mouseClick(action, Qt::LeftButton);
        QCOMPARE(triggered.count(), 1);
        QTest::mouseClick(close, Qt::LeftButton);
        QTRY_COMPARE(area.count(), 0);
        QVERIFY(!area.isVisible());
    }

    // Banners used to sit in the layout and push everything down ~35 px each, so clicks and
    // keystrokes landed on the wrong control. As an overlay, posting and closing move nothing.
    void overlayNeverMovesTheHostLayout()
    {
        QWidget host;
        auto *layout = new QVBoxLayout(&host);
        auto *top = new QLineEdit;
        auto *bottom = new QLineEdit;
        layout->addWidget(top);
        layout->addStretch(1);
        layout->addWidget(bottom);
        MessageArea area;
        area.floatOver(&host);
        QCOMPARE(area.parentWidget(), &host);
        host.resize(1024, 640);
        host.show();
        QVERIFY(QTest::qWaitForWindowExposed(&host));
        const QRect topBefore = top->geometry();
        const QRect bottomBefore = bottom->geometry();

        for (int i = 0; i < MessageArea::kMaxMessages; ++i)
            area.post(Severity::Error, QStringLiteral("a message long enough to wrap onto a second line in the "
                                                      "overlay, number %1")
                                           .arg(i));
        QCoreApplication::processEvents();
        QCOMPARE(top->geometry(), topBefore);
        QCOMPARE(bottom->geometry(), bottomBefore);
        QVERIFY(area.isVisible());
        QVERIFY2(host.rect().contains(area.geometry()), "the overlay leaves its host");
        QCOMPARE(area.geometry().right(), host.width() - MessageArea::kOverlayMargin - 1);
        QCOMPARE(area.geometry().bottom(), host.height() - MessageArea::kOverlayMargin - 1);
        for (const MessageItem *item : area.findChildren<MessageItem *>())
            QVERIFY(area.rect().contains(item->geometry()));

        // It follows the host's size, and stays in its corner.
        host.resize(700, 500);
        QCoreApplication::processEvents();
        QVERIFY(host.rect().contains(area.geometry()));
        QCOMPARE(area.geometry().bottom(), host.height() - MessageArea::kOverlayMargin - 1);

        area.clear();
        QCoreApplication::processEvents();
        QVERIFY(!area.isVisible());
        QCOMPARE(top->geometry().topLeft(), QPoint(topBefore.topLeft()));
    }
};

QTEST_MAIN(TestMessageArea)
#include "tst_message_area.moc"
