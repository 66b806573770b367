// Tests LabelIssuesCsv: the header, one row per issue in order, RFC 4180 quoting, and missing names.
#include "labels/label_issues_csv.h"

#include <QTest>

using tandem::ConfidentLearning;
using tandem::LabelIssuesCsv;

class TestLabelIssuesCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rowsInOrder()
    {
        const std::vector<ConfidentLearning::Issue> issues{{2, 0, 1, 0.95, 0.05, 0.85}, {0, 1, 0, 0.8, 0.2, 0.7}};
        const QStringList paths{QStringLiteral("train/Shirt/00001.png"), QStringLiteral("x"),
                                QStringLiteral("train/T-shirt, top/00002.png")};
        const QStringList classes{QStringLiteral("T-shirt, top"), QStringLiteral("Shirt")};
        QCOMPARE(LabelIssuesCsv::write(issues, paths, classes),
                 QByteArray("path,given,suggested,score\n"
                            "\"train/T-shirt, top/00002.png\",\"T-shirt, top\",Shirt,0.950000\n"
                            "train/Shirt/00001.png,Shirt,\"T-shirt, top\",0.800000\n"));
    }

    void quoting_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QStringLiteral("Sneaker") << QByteArray("Sneaker");
        QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("newline") << QStringLiteral("two\nlines") << QByteArray("\"two\nlines\"");
        QTest::newRow("unicode") << QStringLiteral("Äpfel") << QByteArray("\xc3\x84pfel");
    }
    void quoting()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(LabelIssuesCsv::field(value), expected);
    }

    void missingNamesAreMarked()
    {
        const std::vector<ConfidentLearning::Issue> issues{{5, 0, 3, 0.5, 0.5, 0.4}};
        QCOMPARE(LabelIssuesCsv::write(issues, {QStringLiteral("a")}, {QStringLiteral("c0")}),
                 QByteArray("path,given,suggested,score\n?,c0,?,0.500000\n"));
    }
};

QTEST_GUILESS_MAIN(TestLabelIssuesCsv)
#include "tst_label_issues_csv.moc"
