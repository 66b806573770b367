// The message area: newest first, one message per key, bounded, dismissable, never modal.
#include "message_area.h"
#include "theme.h"

#include <QAction>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

using namespace tandem;

class TestMessageArea : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        Theme::apply(Theme::Mode::Light);
    }

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
};

QTEST_MAIN(TestMessageArea)
#include "tst_message_area.moc"
