// A growing series of (x, y) points, x ascending, that is drawn as min/max per pixel column.
#pragma once

#include <QList>
#include <QPointF>

#include <optional>
#include <utility>
#include <vector>

namespace tandem {

// Holds every point (a million is 16 MB) and hands a chart at most about two points per pixel
// column of the visible x range: the first extreme and the second of each column, in x order, so
// that every spike and dip survives at any zoom. Non-finite y values are kept but never drawn.
// Each block of kBlock points keeps where its minimum and maximum are, so decimating costs a
// binary search and a few blocks per column rather than a pass over every point: a million
// points decimate in well under a millisecond.
class DecimatedSeries {
public:
    // x must not decrease; a smaller x is stored as the previous one, so lookups stay binary.
    void append(double x, double y);
    void clear();
    void reserve(std::size_t points);

    [[nodiscard]] std::size_t size() const { return m_x.size(); }
    [[nodiscard]] bool isEmpty() const { return m_x.empty(); }
    [[nodiscard]] double xAt(std::size_t i) const { return m_x[i]; }
    [[nodiscard]] double yAt(std::size_t i) const { return m_y[i]; }
    [[nodiscard]] double lastY() const { return m_y.empty() ? 0.0 : m_y.back(); }

    // The x extent of all points; nullopt when empty.
    [[nodiscard]] std::optional<std::pair<double, double>> xRange() const;

    // Points to draw for x in [x0, x1] on `columns` pixel columns: every point when there are
    // few, otherwise the minimum and maximum of each column in the order they occur. The nearest
    // point outside each end is included so that the line reaches the plot's edges.
    [[nodiscard]] QList<QPointF> decimate(double x0, double x1, int columns) const;

    // The index of the point whose x is nearest to x (the first of equals); nullopt when empty.
    // A chart's hover read-out shows that point's exact value, not a decimated one.
    [[nodiscard]] std::optional<std::size_t> nearest(double x) const;

    // The y range of finite points with x in [x0, x1]; nullopt when there are none.
    [[nodiscard]] std::optional<std::pair<double, double>> yRange(double x0, double x1) const;

    static constexpr std::size_t kBlock = 64;

private:
    static constexpr std::size_t kNone = std::size_t(-1);
    // Indices of the first minimum and the first maximum among finite points (kNone: none),
    // with their values, so that merging never reads m_y again.
    struct Extremes {
        std::size_t min = kNone;
        std::size_t max = kNone;
        double minY = 0.0;
        double maxY = 0.0;
        // Strict comparisons keep the first occurrence, as a scan in index order would; the
        // caller merges in index order and only finite values.
        void take(std::size_t i, double y)
        {
            if (min == kNone || y < minY) {
                min = i;
                minY = y;
            }
            if (max == kNone || y > maxY) {
                max = i;
                maxY = y;
            }
        }
        void take(const Extremes &later)
        {
            if (later.min != kNone && (min == kNone || later.minY < minY)) {
                min = later.min;
                minY = later.minY;
            }
            if (later.max != kNone && (max == kNone || later.maxY > maxY)) {
                max = later.max;
                maxY = later.maxY;
            }
        }
    };
    [[nodiscard]] std::size_t lowerBound(double x) const;
    [[nodiscard]] std::size_t upperBound(double x) const;
    // The extremes of [begin, end), from the block summaries where whole blocks are covered.
    [[nodiscard]] Extremes extremes(std::size_t begin, std::size_t end) const;
    void merge(Extremes &into, std::size_t i) const;

    std::vector<double> m_x;
    std::vector<double> m_y;
    std::vector<Extremes> m_blocks; // block b covers [b * kBlock, (b + 1) * kBlock)
};

} // namespace tandem
