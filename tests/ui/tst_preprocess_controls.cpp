// The preprocessing form's aspect lock: one side follows the other at the locked ratio.
#include "preprocess_controls.h"

#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

using namespace tandem;

class TestPreprocessControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aspectLockKeepsTheRatio()
    {
        PreprocessControls controls;
        PreprocessOptions start;
        start.width = 200;
        start.height = 100;
        controls.setOptions(start);
        auto *width = controls.findChild<QSpinBox *>(QStringLiteral("widthSpin"));
        auto *height = controls.findChild<QSpinBox *>(QStringLiteral("heightSpin"));
        auto *lock = controls.findChild<QToolButton *>(QStringLiteral("aspectLock"));
        QVERIFY(width && height && lock);
        QVERIFY(!lock->isChecked()); // off by default: the sides are independent
        QSignalSpy changed(&controls, &PreprocessControls::optionsChanged);

        lock->setChecked(true);
        width->setValue(300);
        QCOMPARE(height->value(), 150);
        QCOMPARE(controls.options().height, 150);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(changed.last().at(0).value<PreprocessOptions>().height, 150); // the last report is whole
        height->setValue(40);
        QCOMPARE(width->value(), 80);

        lock->setChecked(false);
        width->setValue(64);
        QCOMPARE(height->value(), 40);
    }
};

QTEST_MAIN(TestPreprocessControls)
#include "tst_preprocess_controls.moc"
