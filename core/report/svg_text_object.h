// Draws an SVG chart inside a QTextDocument as a vector object, for the PDF report.
#pragma once

#include <QObject>
#include <QSizeF>
#include <QTextCharFormat>
#include <QTextObjectInterface>

namespace tandem {

class SvgTextObject : public QObject, public QTextObjectInterface {
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)

public:
    static constexpr int kObjectType = QTextFormat::UserObject + 1;

    explicit SvgTextObject(QObject *parent = nullptr);

    // The format of the object replacement character that stands for one chart.
    [[nodiscard]] static QTextCharFormat format(const QString &svg, const QSizeF &size);

    QSizeF intrinsicSize(QTextDocument *document, int position, const QTextFormat &format) override;
    void drawObject(QPainter *painter, const QRectF &rect, QTextDocument *document, int position,
                    const QTextFormat &format) override;

private:
    enum Property { SvgData = QTextFormat::UserProperty + 1, ObjectSize };
};

} // namespace tandem
