// Counts of (given class, predicted class) pairs, with per-class and overall accuracy.
#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace tandem {

class ConfusionMatrix {
public:
    struct Cell {
        int given = 0;
        int predicted = 0;
        std::int64_t count = 0;
    };

    ConfusionMatrix() = default;
    explicit ConfusionMatrix(int classes);

    // From given labels and predicted labels (both 0..classes−1, the same length). A label out of
    // range or a length mismatch returns nullopt with a specific reason in *error.
    [[nodiscard]] static std::optional<ConfusionMatrix>
    fromLabels(const std::vector<int> &given, const std::vector<int> &predicted, int classes, QString *error);

    void add(int given, int predicted, std::int64_t count = 1);

    [[nodiscard]] int classes() const { return m_classes; }
    [[nodiscard]] std::int64_t count(int given, int predicted) const;
    [[nodiscard]] std::int64_t givenCount(int given) const; // the row's sum
    [[nodiscard]] std::int64_t total() const;
    // Share of the samples labelled `given` that were predicted as `given` (recall); nullopt when the
    // class has no samples.
    [[nodiscard]] std::optional<double> classAccuracy(int given) const;
    [[nodiscard]] std::optional<double> accuracy() const;
    // The off-diagonal cells with a count, largest first (ties: by given, then predicted class).
    [[nodiscard]] std::vector<Cell> confusions() const;

    [[nodiscard]] bool operator==(const ConfusionMatrix &other) const
    {
        return m_classes == other.m_classes && m_counts == other.m_counts;
    }

private:
    int m_classes = 0;
    std::vector<std::int64_t> m_counts; // row-major: given × predicted
};

} // namespace tandem
