#include "labels/confident_learning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tandem {

namespace {

using Probabilities = std::vector<double>; // n × classes, validated and renormalised

std::optional<Probabilities> validated(const ConfidentLearning::Input &input, QString *error)
{
    const int m = input.classes;
    if (m < 2) {
        *error = QStringLiteral("%1 classes: confident learning needs at least 2").arg(m);
        return std::nullopt;
    }
    const std::size_t n = input.given.size();
    if (input.probabilities.size() != n * std::size_t(m)) {
        *error = QStringLiteral("%1 probabilities for %2 samples of %3 classes (expected %4)")
                     .arg(input.probabilities.size())
                     .arg(n)
                     .arg(m)
                     .arg(n * std::size_t(m));
        return std::nullopt;
    }
    Probabilities p(input.probabilities.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (input.given[i] < 0 || input.given[i] >= m) {
            *error = QStringLiteral("sample %1: given class %2 is out of range (0 to %3)")
                         .arg(i)
                         .arg(input.given[i])
                         .arg(m - 1);
            return std::nullopt;
        }
        double sum = 0.0;
        for (int j = 0; j < m; ++j) {
            const double v = input.probabilities[i * std::size_t(m) + std::size_t(j)];
            if (!std::isfinite(v) || v < 0.0 || v > 1.0 + ConfidentLearning::kRowSumTolerance) {
                *error = QStringLiteral("sample %1: probability of class %2 is %3, not in 0..1").arg(i).arg(j).arg(v);
                return std::nullopt;
            }
            sum += v;
        }
        if (std::abs(sum - 1.0) > ConfidentLearning::kRowSumTolerance) {
            *error = QStringLiteral("sample %1: probabilities sum to %2, not 1").arg(i).arg(sum);
            return std::nullopt;
        }
        for (int j = 0; j < m; ++j)
            p[i * std::size_t(m) + std::size_t(j)] = input.probabilities[i * std::size_t(m) + std::size_t(j)] / sum;
    }
    return p;
}

} // namespace

double ConfidentLearning::Result::estimatedNoiseRate() const
{
    double trace = 0.0;
    for (int c = 0; c < classes; ++c)
        trace += jointAt(c, c);
    return joint.empty() ? 0.0 : 1.0 - trace;
}

std::optional<ConfidentLearning::Result> ConfidentLearning::analyse(const Input &input, Filter filter, QString *error)
{
    const std::optional<Probabilities> checked = validated(input, error);
    if (!checked)
        return std::nullopt;
    const Probabilities &p = *checked;
    const int m = input.classes;
    const std::size_t n = input.given.size();
    const auto prob = [&](std::size_t sample, int label) { return p[sample * std::size_t(m) + std::size_t(label)]; };
    const auto cell = [m](int row, int column) { return std::size_t(row) * std::size_t(m) + std::size_t(column); };

    Result result;
    result.classes = m;

    // 1. Thresholds: each class's average self-confidence.
    std::vector<std::vector<std::size_t>> byGiven{std::size_t(m)};
    for (std::size_t i = 0; i < n; ++i)
        byGiven[std::size_t(input.given[i])].push_back(i);
    result.thresholds.assign(std::size_t(m), std::numeric_limits<double>::quiet_NaN());
    for (int j = 0; j < m; ++j) {
        const auto &members = byGiven[std::size_t(j)];
        if (members.empty())
            continue; // NaN: no sample is confidently of a class that nothing is labelled as
        double sum = 0.0;
        for (const std::size_t i : members)
            sum += prob(i, j);
        result.thresholds[std::size_t(j)] = sum / double(members.size());
    }

    // 2. The confident joint.
    result.confidentJoint.assign(std::size_t(m) * std::size_t(m), 0);
    result.confidentLabel.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        int best = -1;
        for (int j = 0; j < m; ++j) {
            const double t = result.thresholds[std::size_t(j)];
            if (std::isnan(t) || prob(i, j) < t)
                continue;
            if (best < 0 || prob(i, j) > prob(i, best))
                best = j;
        }
        result.confidentLabel[i] = best;
        if (best >= 0)
            ++result.confidentJoint[cell(input.given[i], best)];
    }

    // 3. Calibration: rows scaled to the given counts, then normalised to a joint distribution. A row
    //    with no confident sample is no evidence of noise: its mass stays on the diagonal.
    result.joint.assign(std::size_t(m) * std::size_t(m), 0.0);
    for (int i = 0; i < m; ++i) {
        const double given = double(byGiven[std::size_t(i)].size());
        std::int64_t row = 0;
        for (int j = 0; j < m; ++j)
            row += result.confidentJoint[cell(i, j)];
        for (int j = 0; j < m; ++j) {
            const double calibrated =
                row > 0 ? double(result.confidentJoint[cell(i, j)]) / double(row) * given : (i == j ? given : 0.0);
            result.joint[cell(i, j)] = n > 0 ? calibrated / double(n) : 0.0;
        }
    }

    // 4. Pruning: which samples the noise rates select.
    std::vector<bool> byNoiseRate(n, false);
    if (filter != Filter::ConfidentJoint) {
        for (int i = 0; i < m; ++i) {
            const auto &members = byGiven[std::size_t(i)];
            // A class keeps at least one of its samples.
            const std::size_t room = members.empty() ? 0 : members.size() - 1;
            std::vector<std::size_t> order = members;
            for (int j = 0; j < m; ++j) {
                if (j == i)
                    continue;
                const auto k =
                    std::min<std::size_t>(room, std::size_t(std::llround(double(n) * result.joint[cell(i, j)])));
                if (k == 0)
                    continue;
                const auto margin = [&](std::size_t s) { return prob(s, j) - prob(s, i); };
                std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(k), order.end(),
                                  [&](std::size_t a, std::size_t b) {
                                      return margin(a) != margin(b) ? margin(a) > margin(b) : a < b;
                                  });
                for (std::size_t r = 0; r < k; ++r)
                    byNoiseRate[order[r]] = true;
            }
            // The cap holds for the union too: if every sample of the class was selected, keep its most
            // self-confident one.
            const bool all = std::all_of(members.begin(), members.end(), [&](std::size_t s) { return byNoiseRate[s]; });
            if (!members.empty() && all) {
                const std::size_t keep =
                    *std::max_element(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
                        return prob(a, i) != prob(b, i) ? prob(a, i) < prob(b, i) : a > b;
                    });
                byNoiseRate[keep] = false;
            }
        }
    }

    for (std::size_t s = 0; s < n; ++s) {
        const int given = input.given[s];
        const int confident = result.confidentLabel[s];
        const bool offDiagonal = confident >= 0 && confident != given;
        bool selected = false;
        switch (filter) {
        case Filter::PruneByNoiseRate: selected = byNoiseRate[s]; break;
        case Filter::ConfidentJoint: selected = offDiagonal; break;
        case Filter::Both: selected = byNoiseRate[s] && offDiagonal; break;
        }
        if (!selected)
            continue;
        // The suggestion: the class the sample confidently counted towards, else the most probable other.
        int suggested = offDiagonal ? confident : -1;
        for (int j = 0; j < m && !offDiagonal; ++j)
            if (j != given && (suggested < 0 || prob(s, j) > prob(s, suggested)))
                suggested = j;
        result.issues.push_back({int(s), given, suggested, 1.0 - prob(s, given), prob(s, given), prob(s, suggested)});
    }
    std::sort(result.issues.begin(), result.issues.end(), [](const Issue &a, const Issue &b) {
        return a.score != b.score ? a.score > b.score : a.sample < b.sample;
    });
    return result;
}

} // namespace tandem
