#include "report/svg_text_object.h"

#include "report/report_log.h"

#include <QPainter>
#include <QSvgRenderer>

namespace tandem {

SvgTextObject::SvgTextObject(QObject *parent) : QObject(parent) {}

QTextCharFormat SvgTextObject::format(const QString &svg, const QSizeF &size)
{
    QTextCharFormat format;
    format.setObjectType(kObjectType);
    format.setProperty(SvgData, svg.toUtf8());
    format.setProperty(ObjectSize, size);
    return format;
}

QSizeF SvgTextObject::intrinsicSize(QTextDocument *, int, const QTextFormat &format)
{
    return format.property(ObjectSize).toSizeF();
}

void SvgTextObject::drawObject(QPainter *painter, const QRectF &rect, QTextDocument *, int, const QTextFormat &format)
{
    QSvgRenderer renderer(format.property(SvgData).toByteArray());
    if (!renderer.isValid()) {
        qCWarning(lcReport) << "a chart's SVG did not parse; leaving its space empty";
        return;
    }
    renderer.render(painter, rect);
}

} // namespace tandem
