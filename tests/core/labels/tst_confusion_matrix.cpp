// Tests ConfusionMatrix: counts, per-class and overall accuracy, the ranked confusions, and its guards.
#include "labels/confusion_matrix.h"

#include <QTest>

using tandem::ConfusionMatrix;

class TestConfusionMatrix : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void countsAndAccuracy()
    {
        QString error;
        const std::vector<int> given{0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        const std::vector<int> predicted{0, 0, 1, 1, 1, 1, 2, 2, 0, 2};
        const auto m = ConfusionMatrix::fromLabels(given, predicted, 3, &error);
        QVERIFY2(m, qPrintable(error));
        QCOMPARE(m->count(0, 0), std::int64_t(2));
        QCOMPARE(m->count(0, 1), std::int64_t(1));
        QCOMPARE(m->count(2, 0), std::int64_t(1));
        QCOMPARE(m->givenCount(2), std::int64_t(4));
        QCOMPARE(m->total(), std::int64_t(10));
        QVERIFY(std::abs(*m->classAccuracy(0) - 2.0 / 3.0) < 1e-12);
        QCOMPARE(*m->classAccuracy(1), 1.0);
        QCOMPARE(*m->classAccuracy(2), 0.75);
        QCOMPARE(*m->accuracy(), 0.8);
    }

    void confusionsLargestFirst()
    {
        ConfusionMatrix m(3);
        m.add(0, 1, 2);
        m.add(2, 1, 5);
        m.add(1, 0, 2);
        m.add(1, 1, 40);
        const auto cells = m.confusions();
        QCOMPARE(cells.size(), std::size_t(3));
        QCOMPARE(cells[0].given, 2);
        QCOMPARE(cells[0].predicted, 1);
        QCOMPARE(cells[0].count, std::int64_t(5));
        // Ties keep the row-major order: (0, 1) before (1, 0).
        QCOMPARE(cells[1].given, 0);
        QCOMPARE(cells[2].given, 1);
    }

    void emptyClassHasNoAccuracy()
    {
        ConfusionMatrix m(2);
        m.add(0, 0);
        QVERIFY(!m.classAccuracy(1));
        QCOMPARE(*m.accuracy(), 1.0);
        QVERIFY(!ConfusionMatrix(2).accuracy());
    }

    void badLabelsAreRefused()
    {
        QString error;
        QVERIFY(!ConfusionMatrix::fromLabels({0, 1}, {0}, 2, &error));
        QVERIFY2(error.contains("2 given labels but 1 predictions"), qPrintable(error));
        QVERIFY(!ConfusionMatrix::fromLabels({0, 1}, {0, 2}, 2, &error));
        QVERIFY2(error.contains("sample 1: class 2 is out of range (0 to 1)"), qPrintable(error));
        QVERIFY(!ConfusionMatrix::fromLabels({}, {}, 0, &error));
    }
};

QTEST_GUILESS_MAIN(TestConfusionMatrix)
#include "tst_confusion_matrix.moc"
