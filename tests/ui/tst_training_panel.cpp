// Tests TrainingPanel's weights path: by default the weights go with the run, into the Runs folder,
// under a name of their own; a typed path is kept; unticked, nothing is saved.
#include "training_panel.h"

#include "timing/run_history.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTest>

using namespace tandem;

class TestTrainingPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void weightsGoWithTheRunByDefault()
    {
        TrainingPanel panel;
        panel.load(TrainingOptions{}, true);
        auto *field = panel.findChild<QLineEdit *>(QStringLiteral("weightsPath"));
        QVERIFY(field);
        QVERIFY(field->text().isEmpty());
        QVERIFY2(field->placeholderText().contains(QStringLiteral("Runs")), qPrintable(field->placeholderText()));
        QVERIFY(panel.saveWeights());

        TrainingOptions options;
        options.datasetRoot = QStringLiteral("/data/fashion-mnist");
        panel.applyTo(options);
        const QString folder = RunHistory::defaultFolder() + QStringLiteral("/weights/");
        QVERIFY2(options.weightsPath.startsWith(folder), qPrintable(options.weightsPath));
        QVERIFY2(options.weightsPath.endsWith(QStringLiteral("-fashion-mnist.pt")), qPrintable(options.weightsPath));
        QVERIFY(!options.weightsPath.contains(QStringLiteral("Documents")));
    }

    void aTypedPathIsKeptAndUntickedSavesNothing()
    {
        TrainingPanel panel;
        TrainingOptions typed;
        typed.weightsPath = QStringLiteral("/tmp/mine.pt");
        panel.load(typed, true);
        TrainingOptions options;
        panel.applyTo(options);
        QCOMPARE(options.weightsPath, QStringLiteral("/tmp/mine.pt"));

        panel.load(typed, false);
        panel.applyTo(options);
        QVERIFY(options.weightsPath.isEmpty());
        QVERIFY(!panel.saveWeights());
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "tst_training_panel.moc"
