// Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
// Dataset Labels", JAIR 70, 2021): from out-of-sample predicted probabilities, estimate the joint
// distribution of given and true labels and find the samples whose given label is likely wrong.
//
// Written from the paper (cleanlab is its Python implementation; this is C++ and has no such
// dependency to take). The steps, with the paper's names:
//   1. per-class thresholds t_j: the mean predicted probability of class j over the samples given j
//      (the class's average self-confidence);
//   2. the confident joint C[i][j]: a sample given i counts towards j when p_j ≥ t_j, with j the
//      most probable of the classes that pass their threshold; a sample that passes none is not
//      counted;
//   3. calibration: each row of C is scaled to the number of samples given i, and the whole divided
//      by n, which estimates Q[i][j], the joint of given label i and true label j;
//   4. pruning ("prune by noise rate", the paper's Cl:PBNR and cleanlab's default): for each i ≠ j,
//      the round(n·Q[i][j]) samples given i with the largest margin p_j − p_i are label issues.
//      "Confident joint" (Cl:C_confusion) takes the off-diagonal samples of C instead, and "both"
//      the samples that both select.
// A selected sample's suggested class is the one it confidently counted towards in C when that is
// not its given class, else its most probable other class. Issues are ranked by self-confidence (1 − p_given: higher is
// more likely wrong), as cleanlab's default ranking. Like cleanlab, a class keeps at least one sample: pruning never
// takes all of it.
#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace tandem {

class ConfidentLearning {
public:
    ConfidentLearning() = delete;

    enum class Filter { PruneByNoiseRate, ConfidentJoint, Both };

    struct Input {
        std::vector<int> given;           // n given labels, 0..classes−1
        std::vector<float> probabilities; // n × classes, row-major, each row a distribution
        int classes = 0;
    };

    struct Issue {
        int sample = 0;
        int given = 0;
        int suggested = 0;
        double score = 0.0;                // 1 − p(given): higher is more likely wrong
        double givenProbability = 0.0;     // p(given)
        double suggestedProbability = 0.0; // p(suggested)
    };

    struct Result {
        int classes = 0;
        std::vector<double> thresholds;           // t_j; NaN for a class that no sample is given
        std::vector<std::int64_t> confidentJoint; // classes × classes: C[given][confident]
        std::vector<double> joint;                // classes × classes: Q[given][true], sums to 1
        std::vector<int> confidentLabel;          // per sample: the class it counted towards, or −1
        std::vector<Issue> issues;                // most likely wrong first (ties: by sample)

        [[nodiscard]] std::int64_t confidentCount(int given, int label) const
        {
            return confidentJoint[std::size_t(given) * std::size_t(classes) + std::size_t(label)];
        }
        [[nodiscard]] double jointAt(int given, int label) const
        {
            return joint[std::size_t(given) * std::size_t(classes) + std::size_t(label)];
        }
        // Estimated share of the samples whose given label is wrong: 1 − trace(Q).
        [[nodiscard]] double estimatedNoiseRate() const;
    };

    // A row may be off its sum of 1 by this much (fp16 on the wire, float softmax) and is then
    // renormalised; further off, or a value outside 0..1 or not finite, is refused.
    static constexpr double kRowSumTolerance = 0.02;

    // Validates the input (sizes, label range, distributions); on failure nullopt and a specific
    // reason in *error, naming the sample.
    [[nodiscard]] static std::optional<Result> analyse(const Input &input, Filter filter, QString *error);
};

} // namespace tandem
