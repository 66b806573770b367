// Tests ConfidentLearning against small cases computed by hand from the paper's definitions
// (thresholds, confident joint, calibrated joint, pruning by noise rate), its guards, and a seeded
// noisy-label simulation where the planted flips are known.
#include "labels/confident_learning.h"

#include "common/seeded_random.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <set>

using tandem::ConfidentLearning;
using Filter = ConfidentLearning::Filter;

Q_DECLARE_METATYPE(ConfidentLearning::Filter)

namespace {

ConfidentLearning::Input input(std::vector<int> given, std::vector<std::vector<float>> rows)
{
    ConfidentLearning::Input in;
    in.given = std::move(given);
    in.classes = int(rows.front().size());
    for (const auto &row : rows)
        in.probabilities.insert(in.probabilities.end(), row.begin(), row.end());
    return in;
}

// Ten samples of three classes; sample 2 (given 0) looks like class 1, sample 8 (given 2) like class 0.
ConfidentLearning::Input handExample()
{
    return input({0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, {{0.9F, 0.05F, 0.05F},
                                                  {0.8F, 0.1F, 0.1F},
                                                  {0.05F, 0.85F, 0.1F},
                                                  {0.1F, 0.85F, 0.05F},
                                                  {0.2F, 0.7F, 0.1F},
                                                  {0.1F, 0.9F, 0.0F},
                                                  {0.05F, 0.05F, 0.9F},
                                                  {0.1F, 0.1F, 0.8F},
                                                  {0.7F, 0.1F, 0.2F},
                                                  {0.1F, 0.2F, 0.7F}});
}

ConfidentLearning::Result analysed(const ConfidentLearning::Input &in, Filter filter)
{
    QString error;
    const auto result = ConfidentLearning::analyse(in, filter, &error);
    if (!result)
        qFatal("analyse failed: %s", qPrintable(error));
    return *result;
}

} // namespace

class TestConfidentLearning : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void thresholdsAndJointsByHand()
    {
        const auto r = analysed(handExample(), Filter::PruneByNoiseRate);
        // t_j: mean p_j over the samples given j.
        QVERIFY(std::abs(r.thresholds[0] - (0.9 + 0.8 + 0.05) / 3) < 1e-6);
        QVERIFY(std::abs(r.thresholds[1] - (0.85 + 0.7 + 0.9) / 3) < 1e-6);
        QVERIFY(std::abs(r.thresholds[2] - (0.9 + 0.8 + 0.2 + 0.7) / 4) < 1e-6);
        // Sample 4 (0.2, 0.7, 0.1) passes no threshold (t_1 = 0.8167): it is not counted.
        const std::vector<int> confident{0, 0, 1, 1, -1, 1, 2, 2, 0, 2};
        QCOMPARE(r.confidentLabel, confident);
        const std::vector<std::int64_t> joint{2, 1, 0, 0, 2, 0, 1, 0, 3};
        QCOMPARE(r.confidentJoint, joint);
        // Calibrated: rows scaled to the given counts (3, 3, 4), over n = 10.
        const std::vector<double> q{0.2, 0.1, 0.0, 0.0, 0.3, 0.0, 0.1, 0.0, 0.3};
        for (std::size_t i = 0; i < q.size(); ++i)
            QVERIFY2(std::abs(r.joint[i] - q[i]) < 1e-9, qPrintable(QString::number(i)));
        QVERIFY(std::abs(r.estimatedNoiseRate() - 0.2) < 1e-9);
    }

    void issuesByHand_data()
    {
        QTest::addColumn<Filter>("filter");
        QTest::newRow("prune by noise rate") << Filter::PruneByNoiseRate;
        QTest::newRow("confident joint") << Filter::ConfidentJoint;
        QTest::newRow("both") << Filter::Both;
    }
    void issuesByHand()
    {
        QFETCH(Filter, filter);
        const auto r = analysed(handExample(), filter);
        QCOMPARE(r.issues.size(), std::size_t(2));
        // Ranked by 1 − p(given): sample 2 (0.95) before sample 8 (0.8).
        QCOMPARE(r.issues[0].sample, 2);
        QCOMPARE(r.issues[0].given, 0);
        QCOMPARE(r.issues[0].suggested, 1);
        QVERIFY(std::abs(r.issues[0].score - 0.95) < 1e-6);
        QVERIFY(std::abs(r.issues[0].suggestedProbability - 0.85) < 1e-6);
        QCOMPARE(r.issues[1].sample, 8);
        QCOMPARE(r.issues[1].given, 2);
        QCOMPARE(r.issues[1].suggested, 0);
        QVERIFY(std::abs(r.issues[1].score - 0.8) < 1e-6);
    }

    // Pruning by noise rate takes the largest margins p_j − p_i, not the lowest self-confidence:
    // sample 1 (0.3, 0.35, 0.35) is the least sure of its label, but sample 2 (0.35, 0.65, 0) is the
    // one that looks like class 1. By hand: t = (0.625, 0.64, 0.85); C row 0 = (2, 1, 0) over 4 given,
    // so n·Q[0][1] = 8 · (1/3 · 4 / 8) = 1.33 → one sample.
    void pruningFollowsTheMargin()
    {
        const auto in = input({0, 0, 0, 0, 1, 1, 2, 2}, {{0.9F, 0.05F, 0.05F},
                                                         {0.3F, 0.35F, 0.35F},
                                                         {0.35F, 0.65F, 0.0F},
                                                         {0.95F, 0.05F, 0.0F},
                                                         {0.3F, 0.6F, 0.1F},
                                                         {0.1F, 0.68F, 0.22F},
                                                         {0.05F, 0.05F, 0.9F},
                                                         {0.1F, 0.1F, 0.8F}});
        const auto r = analysed(in, Filter::PruneByNoiseRate);
        QVERIFY(std::abs(r.thresholds[0] - 0.625) < 1e-6);
        QCOMPARE(r.confidentCount(0, 1), std::int64_t(1));
        QVERIFY(std::abs(8 * r.jointAt(0, 1) - 4.0 / 3.0) < 1e-9);
        QCOMPARE(r.issues.size(), std::size_t(1));
        QCOMPARE(r.issues[0].sample, 2);
        QCOMPARE(r.issues[0].suggested, 1);
    }

    // Both samples given 1 look like class 0 (C[1][0] = 2), but a class keeps one sample.
    void aClassKeepsOneSample()
    {
        const auto in = input({0, 0, 0, 1, 1}, {{0.9F, 0.1F}, {0.9F, 0.1F}, {0.9F, 0.1F}, {0.9F, 0.1F}, {0.9F, 0.1F}});
        const auto r = analysed(in, Filter::PruneByNoiseRate);
        QCOMPARE(r.confidentCount(1, 0), std::int64_t(2));
        QCOMPARE(r.issues.size(), std::size_t(1));
        QCOMPARE(r.issues[0].given, 1);
        QCOMPARE(r.issues[0].suggested, 0);
    }

    void cleanPredictionsSuggestNothing()
    {
        const auto in = input({0, 1, 2, 0, 1, 2}, {{0.98F, 0.01F, 0.01F},
                                                   {0.01F, 0.98F, 0.01F},
                                                   {0.01F, 0.01F, 0.98F},
                                                   {0.9F, 0.05F, 0.05F},
                                                   {0.05F, 0.9F, 0.05F},
                                                   {0.05F, 0.05F, 0.9F}});
        for (const Filter filter : {Filter::PruneByNoiseRate, Filter::ConfidentJoint, Filter::Both}) {
            const auto r = analysed(in, filter);
            QVERIFY(r.issues.empty());
            QVERIFY(std::abs(r.estimatedNoiseRate()) < 1e-12);
        }
    }

    // A class that no sample is given has no threshold, and nothing counts towards it.
    void aClassWithoutSamples()
    {
        const auto in =
            input({0, 0, 1, 1}, {{0.6F, 0.1F, 0.3F}, {0.7F, 0.1F, 0.2F}, {0.1F, 0.6F, 0.3F}, {0.2F, 0.7F, 0.1F}});
        const auto r = analysed(in, Filter::PruneByNoiseRate);
        QVERIFY(std::isnan(r.thresholds[2]));
        for (const int label : r.confidentLabel)
            QVERIFY(label != 2);
        QVERIFY(r.issues.empty());
    }

    // fp16 on the wire leaves rows a little off 1; they are renormalised, not refused.
    void slightlyOffRowsAreRenormalised()
    {
        auto in = handExample();
        for (float &p : in.probabilities)
            p *= 1.01F;
        const auto r = analysed(in, Filter::PruneByNoiseRate);
        QCOMPARE(r.issues.size(), std::size_t(2));
        QVERIFY(std::abs(r.thresholds[0] - (0.9 + 0.8 + 0.05) / 3) < 1e-6);
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one class") << 0 << "at least 2";
        QTest::newRow("size mismatch") << 1 << "29 probabilities for 10 samples of 3 classes";
        QTest::newRow("label out of range") << 2 << "sample 4: given class 3 is out of range";
        QTest::newRow("not a number") << 3 << "sample 5: probability of class 1 is nan";
        QTest::newRow("negative") << 4 << "sample 6: probability of class 0 is -0.1";
        QTest::newRow("not a distribution") << 5 << "sample 7: probabilities sum to 0.5";
    }
    void badInputIsRefused()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        auto in = handExample();
        switch (kind) {
        case 0: in.classes = 1; break;
        case 1: in.probabilities.pop_back(); break;
        case 2: in.given[4] = 3; break;
        case 3: in.probabilities[5 * 3 + 1] = std::nanf(""); break;
        case 4: in.probabilities[6 * 3 + 0] = -0.1F; break;
        case 5:
            for (int j = 0; j < 3; ++j)
                in.probabilities[7 * 3 + j] *= 0.5F;
            break;
        }
        QString error;
        QVERIFY(!ConfidentLearning::analyse(in, Filter::PruneByNoiseRate, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    // A simulated classifier on 10 classes × 200 samples: each sample's true class gets most of the
    // probability (a seeded random share), and 5 % of the given labels are flipped to another class.
    // Pruning by noise rate must rank most of the flips first, and few that are not; on the unflipped
    // labels it must suggest few.
    void plantedFlipsAreFound()
    {
        constexpr int kClasses = 10;
        constexpr int kPerClass = 200;
        constexpr int n = kClasses * kPerClass;
        tandem::SeededRandom random(2021);
        std::vector<int> truth(n);
        std::vector<float> probabilities(std::size_t(n) * kClasses);
        for (int s = 0; s < n; ++s) {
            truth[s] = s % kClasses;
            double sum = 0.0;
            std::vector<double> row(kClasses);
            for (int j = 0; j < kClasses; ++j)
                sum += row[j] = random.uniform(0.0, 1.0);
            const double confidence = random.uniform(0.55, 0.95);
            for (int j = 0; j < kClasses; ++j) {
                const double rest = (1.0 - confidence) * row[j] / sum;
                probabilities[std::size_t(s) * kClasses + j] = float(j == truth[s] ? confidence + rest : rest);
            }
        }
        std::vector<int> given = truth;
        std::set<int> flipped;
        while (int(flipped.size()) < n / 20) {
            const int s = int(random.below(n));
            if (flipped.insert(s).second)
                given[s] = int((truth[s] + 1 + random.below(kClasses - 1)) % kClasses);
        }

        ConfidentLearning::Input noisy{given, probabilities, kClasses};
        const auto r = analysed(noisy, Filter::PruneByNoiseRate);
        const std::size_t k = flipped.size();
        QVERIFY(r.issues.size() >= k / 2);
        std::size_t found = 0;
        for (std::size_t i = 0; i < std::min(k, r.issues.size()); ++i) {
            const auto &issue = r.issues[i];
            if (flipped.count(issue.sample)) {
                ++found;
                QCOMPARE(issue.suggested, truth[issue.sample]);
            }
        }
        qInfo("%zu issues for %zu flips, %zu of them in the top k; estimated noise rate %.3f", r.issues.size(), k,
              found, r.estimatedNoiseRate());
        // Confident learning under-counts here (flips of true confidence below their class's threshold
        // are not counted, so the noise rate comes out ~0.043), and what it selects is nearly all right.
        QVERIFY2(double(found) / double(k) >= 0.7,
                 qPrintable(QStringLiteral("%1 of %2 flips in the top k").arg(found).arg(k)));
        const auto wrong = std::count_if(r.issues.begin(), r.issues.end(),
                                         [&](const auto &issue) { return !flipped.count(issue.sample); });
        QVERIFY2(double(wrong) <= 0.05 * double(r.issues.size()), qPrintable(QString::number(wrong)));
        QVERIFY(std::abs(r.estimatedNoiseRate() - 0.05) < 0.02);

        ConfidentLearning::Input clean{truth, probabilities, kClasses};
        const auto none = analysed(clean, Filter::PruneByNoiseRate);
        QVERIFY2(none.issues.size() <= std::size_t(n / 100), qPrintable(QString::number(none.issues.size())));
    }
};

QTEST_GUILESS_MAIN(TestConfidentLearning)
#include "tst_confident_learning.moc"
