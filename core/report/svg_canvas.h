// Writes a small SVG document: the subset (rect, line, path, text, g) that both browsers and
// QSvgRenderer (SVG 1.2 Tiny) draw the same way. Presentation attributes only, no CSS.
#pragma once

#include <QPointF>
#include <QString>

#include <vector>

namespace tandem {

class SvgCanvas {
public:
    static constexpr const char *kFontFamily =
        "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";
    static constexpr const char *kInk = "#1f2933";
    static constexpr const char *kMuted = "#616e7c";
    static constexpr const char *kGrid = "#e4e7eb";
    static constexpr const char *kAxis = "#9aa5b1";

    enum class Anchor { Start, Middle, End };

    SvgCanvas(double width, double height, const QString &description);

    [[nodiscard]] double width() const { return m_width; }
    [[nodiscard]] double height() const { return m_height; }

    void rect(double x, double y, double w, double h, const QString &fill, double opacity = 1.0, double radius = 0.0);
    void line(double x1, double y1, double x2, double y2, const QString &stroke, double strokeWidth = 1.0,
              bool dashed = false);
    void polyline(const std::vector<QPointF> &points, const QString &stroke, double strokeWidth);
    void polygon(const std::vector<QPointF> &points, const QString &fill, double opacity);
    void circle(double cx, double cy, double r, const QString &fill, const QString &stroke = {});
    void text(double x, double y, const QString &text, double size, Anchor anchor = Anchor::Start,
              const QString &fill = QLatin1String(kInk), bool bold = false);
    // A group whose <title> browsers show as a tooltip; QSvgRenderer ignores it.
    void beginGroup(const QString &tooltip);
    void endGroup();

    [[nodiscard]] QString finish() const;

    // Round tick values covering [low, high], about `target` of them.
    [[nodiscard]] static std::vector<double> niceTicks(double low, double high, int target);
    // Rough width of a text run in the sans-serif fonts above; for layout, not typesetting.
    [[nodiscard]] static double textWidth(const QString &text, double size);
    [[nodiscard]] static QString escape(const QString &text);

private:
    double m_width;
    double m_height;
    QString m_description;
    QString m_body;
};

} // namespace tandem
