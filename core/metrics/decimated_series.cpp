#include "decimated_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tandem {

void DecimatedSeries::append(double x, double y)
{
    if (!m_x.empty() && !(x >= m_x.back()))
        x = m_x.back();
    m_x.push_back(x);
    m_y.push_back(y);
}

void DecimatedSeries::clear()
{
    m_x.clear();
    m_y.clear();
}

void DecimatedSeries::reserve(std::size_t points)
{
    m_x.reserve(points);
    m_y.reserve(points);
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
        const qint64 column = columnOf(m_x[i]);
        std::size_t minIndex = std::numeric_limits<std::size_t>::max();
        std::size_t maxIndex = minIndex;
        double minY = std::numeric_limits<double>::infinity();
        double maxY = -minY;
        for (; i < end && columnOf(m_x[i]) == column; ++i) {
            const double y = m_y[i];
            if (!std::isfinite(y))
                continue;
            if (y < minY) {
                minY = y;
                minIndex = i;
            }
            if (y > maxY) {
                maxY = y;
                maxIndex = i;
            }
        }
        if (minIndex == std::numeric_limits<std::size_t>::max())
            continue; // only non-finite values in this column
        const std::size_t first = std::min(minIndex, maxIndex);
        const std::size_t second = std::max(minIndex, maxIndex);
        out.append(QPointF(m_x[first], m_y[first]));
        if (second != first)
            out.append(QPointF(m_x[second], m_y[second]));
    }
    return out;
}

std::optional<std::pair<double, double>> DecimatedSeries::yRange(double x0, double x1) const
{
    const std::size_t begin = lowerBound(x0);
    const std::size_t end = upperBound(x1);
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t i = begin; i < end; ++i) {
        const double y = m_y[i];
        if (!std::isfinite(y))
            continue;
        lo = std::min(lo, y);
        hi = std::max(hi, y);
    }
    if (!(lo <= hi))
        return std::nullopt;
    return std::make_pair(lo, hi);
}

} // namespace tandem
