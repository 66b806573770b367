#include "report/svg_canvas.h"

#include <cmath>

namespace tandem {

namespace {

QString number(double value)
{
    // Two decimals are finer than any screen or printer needs, and keep the files small.
    QString text = QString::number(std::round(value * 100.0) / 100.0, 'f', 2);
    while (text.endsWith(QLatin1Char('0')))
        text.chop(1);
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    return text == QLatin1String("-0") ? QStringLiteral("0") : text;
}

QString points(const std::vector<QPointF> &list)
{
    QString text;
    text.reserve(int(list.size()) * 12);
    for (const QPointF &point : list) {
        if (!text.isEmpty())
            text += QLatin1Char(' ');
        text += number(point.x()) + QLatin1Char(',') + number(point.y());
    }
    return text;
}

} // namespace

SvgCanvas::SvgCanvas(double width, double height, const QString &description)
    : m_width(width), m_height(height), m_description(description)
{
}

void SvgCanvas::rect(double x, double y, double w, double h, const QString &fill, double opacity, double radius)
{
    if (w <= 0.0 || h <= 0.0)
        return;
    m_body += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"%5\"")
                  .arg(number(x), number(y), number(w), number(h), fill);
    if (opacity < 1.0)
        m_body += QStringLiteral(" fill-opacity=\"%1\"").arg(number(opacity));
    if (radius > 0.0)
        m_body += QStringLiteral(" rx=\"%1\"").arg(number(radius));
    m_body += QStringLiteral("/>\n");
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, const QString &stroke, double strokeWidth, bool dashed)
{
    m_body += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%4\" stroke=\"%5\" stroke-width=\"%6\"")
                  .arg(number(x1), number(y1), number(x2), number(y2), stroke, number(strokeWidth));
    if (dashed)
        m_body += QStringLiteral(" stroke-dasharray=\"4,3\"");
    m_body += QStringLiteral("/>\n");
}

void SvgCanvas::polyline(const std::vector<QPointF> &list, const QString &stroke, double strokeWidth)
{
    if (list.size() < 2)
        return;
    m_body += QStringLiteral("<polyline points=\"%1\" fill=\"none\" stroke=\"%2\" stroke-width=\"%3\" "
                             "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n")
                  .arg(points(list), stroke, number(strokeWidth));
}

void SvgCanvas::polygon(const std::vector<QPointF> &list, const QString &fill, double opacity)
{
    if (list.size() < 3)
        return;
    m_body += QStringLiteral("<polygon points=\"%1\" fill=\"%2\" fill-opacity=\"%3\" stroke=\"none\"/>\n")
                  .arg(points(list), fill, number(opacity));
}

void SvgCanvas::circle(double cx, double cy, double r, const QString &fill, const QString &stroke)
{
    m_body +=
        QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"%3\" fill=\"%4\"").arg(number(cx), number(cy), number(r), fill);
    if (!stroke.isEmpty())
        m_body += QStringLiteral(" stroke=\"%1\" stroke-width=\"1.5\"").arg(stroke);
    m_body += QStringLiteral("/>\n");
}

void SvgCanvas::text(double x, double y, const QString &content, double size, Anchor anchor, const QString &fill,
                     bool bold)
{
    const char *anchorName = anchor == Anchor::Start ? "start" : anchor == Anchor::Middle ? "middle" : "end";
    m_body += QStringLiteral("<text x=\"%1\" y=\"%2\" font-size=\"%3\" text-anchor=\"%4\" fill=\"%5\"%6>%7</text>\n")
                  .arg(number(x), number(y), number(size), QLatin1String(anchorName), fill,
                       bold ? QStringLiteral(" font-weight=\"bold\"") : QString(), escape(content));
}

void SvgCanvas::beginGroup(const QString &tooltip)
{
    m_body += QStringLiteral("<g><title>%1</title>\n").arg(escape(tooltip));
}

void SvgCanvas::endGroup()
{
    m_body += QStringLiteral("</g>\n");
}

QString SvgCanvas::finish() const
{
    return QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.2\" baseProfile=\"tiny\" "
                          "width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" role=\"img\" aria-label=\"%3\" "
                          "font-family=\"%4\">\n<desc>%3</desc>\n%5</svg>\n")
        .arg(number(m_width), number(m_height), escape(m_description), escape(QLatin1String(kFontFamily)), m_body);
}

std::vector<double> SvgCanvas::niceTicks(double low, double high, int target)
{
    if (!std::isfinite(low) || !std::isfinite(high) || target < 1)
        return {};
    if (high <= low)
        high = low + 1.0;
    const double rough = (high - low) / target;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power;
    for (double multiple : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = multiple * power;
        if (step >= rough)
            break;
    }
    std::vector<double> ticks;
    for (double tick = std::ceil(low / step - 1e-9) * step; tick <= high + step * 1e-9; tick += step)
        ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);
    return ticks;
}

double SvgCanvas::textWidth(const QString &text, double size)
{
    double units = 0.0;
    for (const QChar c : text) {
        if (c == QLatin1Char(' ') || c == QLatin1Char('.') || c == QLatin1Char(',') || c == QLatin1Char('i') ||
            c == QLatin1Char('l') || c == QLatin1Char('t') || c == QLatin1Char('f') || c == QLatin1Char('r'))
            units += 0.36;
        else if (c.isUpper() || c == QLatin1Char('m') || c == QLatin1Char('w'))
            units += 0.78;
        else
            units += 0.6;
    }
    return units * size;
}

QString SvgCanvas::escape(const QString &text)
{
    return text.toHtmlEscaped();
}

} // namespace tandem
