#include "labels/confusion_matrix.h"

#include <algorithm>

namespace tandem {

ConfusionMatrix::ConfusionMatrix(int classes)
    : m_classes(std::max(classes, 0)), m_counts(std::size_t(m_classes) * std::size_t(m_classes), 0)
{
}

std::optional<ConfusionMatrix> ConfusionMatrix::fromLabels(const std::vector<int> &given,
                                                           const std::vector<int> &predicted, int classes,
                                                           QString *error)
{
    if (classes < 1) {
        *error = QStringLiteral("%1 classes: at least one is needed").arg(classes);
        return std::nullopt;
    }
    if (given.size() != predicted.size()) {
        *error = QStringLiteral("%1 given labels but %2 predictions").arg(given.size()).arg(predicted.size());
        return std::nullopt;
    }
    ConfusionMatrix matrix(classes);
    for (std::size_t i = 0; i < given.size(); ++i) {
        for (const int label : {given[i], predicted[i]})
            if (label < 0 || label >= classes) {
                *error =
                    QStringLiteral("sample %1: class %2 is out of range (0 to %3)").arg(i).arg(label).arg(classes - 1);
                return std::nullopt;
            }
        matrix.add(given[i], predicted[i]);
    }
    return matrix;
}

void ConfusionMatrix::add(int given, int predicted, std::int64_t count)
{
    if (given < 0 || given >= m_classes || predicted < 0 || predicted >= m_classes)
        return;
    m_counts[std::size_t(given) * std::size_t(m_classes) + std::size_t(predicted)] += count;
}

std::int64_t ConfusionMatrix::count(int given, int predicted) const
{
    if (given < 0 || given >= m_classes || predicted < 0 || predicted >= m_classes)
        return 0;
    return m_counts[std::size_t(given) * std::size_t(m_classes) + std::size_t(predicted)];
}

std::int64_t ConfusionMatrix::givenCount(int given) const
{
    std::int64_t sum = 0;
    for (int p = 0; p < m_classes; ++p)
        sum += count(given, p);
    return sum;
}

std::int64_t ConfusionMatrix::total() const
{
    std::int64_t sum = 0;
    for (const std::int64_t c : m_counts)
        sum += c;
    return sum;
}

std::optional<double> ConfusionMatrix::classAccuracy(int given) const
{
    const std::int64_t row = givenCount(given);
    if (row == 0)
        return std::nullopt;
    return double(count(given, given)) / double(row);
}

std::optional<double> ConfusionMatrix::accuracy() const
{
    const std::int64_t all = total();
    if (all == 0)
        return std::nullopt;
    std::int64_t diagonal = 0;
    for (int c = 0; c < m_classes; ++c)
        diagonal += count(c, c);
    return double(diagonal) / double(all);
}

std::vector<ConfusionMatrix::Cell> ConfusionMatrix::confusions() const
{
    std::vector<Cell> cells;
    for (int g = 0; g < m_classes; ++g)
        for (int p = 0; p < m_classes; ++p)
            if (g != p && count(g, p) > 0)
                cells.push_back({g, p, count(g, p)});
    std::stable_sort(cells.begin(), cells.end(), [](const Cell &a, const Cell &b) { return a.count > b.count; });
    return cells;
}

} // namespace tandem
