#include "decimated_series.h"

#include <algorithm>
#include <cmath>

namespace tandem {

void DecimatedSeries::append(double x, double y)
{
    if (!m_x.empty() && !(x >= m_x.back()))
        x = m_x.back();
    m_x.push_back(x);
    m_y.push_back(y);
    const std::size_t i = m_x.size() - 1;
    if (i % kBlock == 0)
        m_blocks.push_back({});
    merge(m_blocks.back(), i);
}

void DecimatedSeries::merge(Extremes &into, std::size_t i) const
{
    const double y = m_y[i];
    if (std::isfinite(y))
        into.take(i, y);
}

DecimatedSeries::Extremes DecimatedSeries::extremes(std::size_t begin, std::size_t end) const
{
    Extremes out;
    std::size_t i = begin;
    for (; i < end && i % kBlock != 0; ++i)
        merge(out, i);
    for (; i + kBlock <= end; i += kBlock)
        out.take(m_blocks[i / kBlock]);
    for (; i < end; ++i)
        merge(out, i);
    return out;
}

void DecimatedSeries::clear()
{
    m_x.clear();
    m_y.clear();
    m_blocks.clear();
}

void DecimatedSeries::reserve(std::size_t points)
{
    m_x.reserve(points);
    m_y.reserve(points);
    m_blocks.reserve(points / kBlock + 1);
}

std::optional<std::pair<double, double>> DecimatedSeries::xRange() const
{
    if (m_x.empty())
        return std::nullopt;
    return std::make_pair(m_x.front(), m_x.back());
}

std::size_t DecimatedSeries::lowerBound(double x) const
{
    return std::size_t(std::lower_bound(m_x.begin(), m_x.end(), x) - m_x.begin());
}

std::size_t DecimatedSeries::upperBound(double x) const
{
    return std::size_t(std::upper_bound(m_x.begin(), m_x.end(), x) - m_x.begin());
}

std::optional<std::size_t> DecimatedSeries::nearest(double x) const
{
    if (m_x.empty())
        return std::nullopt;
    const std::size_t after = lowerBound(x);
    if (after == 0)
        return 0;
    if (after == m_x.size())
        return lowerBound(m_x.back());
    const std::size_t before = lowerBound(m_x[after - 1]); // the first of equal x values
    return x - m_x[after - 1] <= m_x[after] - x ? before : after;
}

QList<QPointF> DecimatedSeries::decimate(double x0, double x1, int columns) const
{
    QList<QPointF> out;
    if (m_x.empty() || !(x1 >= x0))
        return out;
    columns = std::max(1, columns);
    std::size_t begin = lowerBound(x0);
    std::size_t end = upperBound(x1);
    // One point beyond each end, so the line is drawn up to the plot's edges.
    if (begin > 0)
        --begin;
    if (end < m_x.size())
        ++end;
    const std::size_t count = end - begin;
    auto finite = [this](std::size_t i) { return std::isfinite(m_y[i]); };

    if (count <= std::size_t(columns) * 2) {
        out.reserve(qsizetype(count));
        for (std::size_t i = begin; i < end; ++i)
            if (finite(i))
                out.append(QPointF(m_x[i], m_y[i]));
        return out;
    }

    out.reserve(qsizetype(columns) * 2 + 4);
    const double span = x1 > x0 ? x1 - x0 : 1.0;
    const double perColumn = double(columns) / span;
    auto columnOf = [&](double x) {
        const double c = std::floor((x - x0) * perColumn);
        return c < 0 ? -1LL : (c >= columns ? qint64(columns) : qint64(c));
    };

    std::size_t i = begin;
    while (i < end) {
        // The column's points are a run (x ascends): find its end by galloping from i, then a
        // binary search. A column holds about count / columns points, so this takes a few steps
        // where a binary search over the whole rest took twenty.
        const qint64 column = columnOf(m_x[i]);
        std::size_t step = std::max<std::size_t>(1, count / std::size_t(columns));
        std::size_t inColumn = i; // the last index known to lie in the column
        std::size_t bound = std::min(end, i + step);
        while (bound < end && columnOf(m_x[bound]) == column) {
            inColumn = bound;
            step *= 2;
            bound = std::min(end, bound + step);
        }
        const auto runEnd = std::partition_point(m_x.begin() + qsizetype(inColumn), m_x.begin() + qsizetype(bound),
                                                 [&](double x) { return columnOf(x) == column; });
        const auto next = std::size_t(runEnd - m_x.begin());
        const Extremes e = extremes(i, next);
        i = next;
        if (e.min == kNone)
            continue; // only non-finite values in this column
        const std::size_t first = std::min(e.min, e.max);
        const std::size_t second = std::max(e.min, e.max);
        out.append(QPointF(m_x[first], m_y[first]));
        if (second != first)
            out.append(QPointF(m_x[second], m_y[second]));
    }
    return out;
}

std::optional<std::pair<double, double>> DecimatedSeries::yRange(double x0, double x1) const
{
    const Extremes e = extremes(lowerBound(x0), upperBound(x1));
    if (e.min == kNone)
        return std::nullopt;
    const double lo = m_y[e.min];
    const double hi = m_y[e.max];
    return std::make_pair(lo, hi);
}

} // namespace tandem
