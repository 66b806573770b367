#include "preview_tile.h"

#include "mat_image.h"
#include "theme.h"

#include <QFileInfo>
#include <QPainter>
#include <QPainterPath>

namespace tandem {

namespace {
constexpr int kMargin = 8;
constexpr int kCaption = 34;

QRect fit(const QSize &image, const QRect &box)
{
    const QSize size = image.scaled(box.size(), Qt::KeepAspectRatio);
    return QRect(box.left() + (box.width() - size.width()) / 2, box.top() + (box.height() - size.height()) / 2,
                 size.width(), size.height());
}
} // namespace

PreviewTile::PreviewTile(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize PreviewTile::sizeHint() const
{
    return QSize(420, 190);
}

QSize PreviewTile::minimumSizeHint() const
{
    return QSize(260, 150);
}

void PreviewTile::setItem(const PreviewItem &item)
{
    m_original = matToImage(item.original, ChannelOrder::Rgb);
    m_output = matToImage(item.output.image, ChannelOrder::Rgb);
    m_originalSize =
        item.output.originalSize.isValid() ? item.output.originalSize : QSize(item.original.cols, item.original.rows);
    m_region = item.plan.region;
    m_flip = item.plan.flip;
    m_name = QFileInfo(item.path).fileName();
    m_error = !item.output.error.isEmpty() ? item.output.error : item.originalError;
    m_ms = double(item.output.readNs + item.output.decodeNs + item.output.transformNs) / 1e6;
    setToolTip(item.path);
    update();
}

void PreviewTile::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath path;
    path.addRoundedRect(card, 8, 8);
    p.fillPath(path, pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Midlight));
    p.drawPath(path);

    const int half = (width() - 3 * kMargin - 24) / 2;
    const int imageHeight = height() - 2 * kMargin - kCaption;
    const QRect leftBox(kMargin, kMargin, half, imageHeight);
    const QRect rightBox(width() - kMargin - half, kMargin, half, imageHeight);

    // The checkerboard-free backdrop shows where each image ends.
    p.fillRect(leftBox, pal.color(QPalette::AlternateBase));
    p.fillRect(rightBox, pal.color(QPalette::AlternateBase));

    QFont small = font();
    small.setPointSizeF(small.pointSizeF() - 1);

    if (!m_original.isNull()) {
        const QRect target = fit(m_original.size(), leftBox);
        p.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_original.width());
        p.drawImage(target, m_original);
        if (m_originalSize.isValid() && m_region.isValid()) {
            // The crop, from full-resolution pixels to the drawn original.
            const double sx = double(target.width()) / m_originalSize.width();
            const double sy = double(target.height()) / m_originalSize.height();
            const QRectF crop(target.left() + m_region.left() * sx, target.top() + m_region.top() * sy,
                              m_region.width() * sx, m_region.height() * sy);
            QColor shade = Qt::black;
            shade.setAlphaF(0.35);
            QPainterPath outside;
            outside.addRect(target);
            outside.addRect(crop);
            p.fillPath(outside, shade); // odd-even fill: everything but the crop
            p.setPen(QPen(Theme::accent().lighter(120), 2.0));
            p.drawRect(crop);
        }
    }

    // The arrow between them.
    const QPointF mid(leftBox.right() + (rightBox.left() - leftBox.right()) / 2.0, leftBox.center().y());
    p.setPen(QPen(Theme::muted(), 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawLine(mid + QPointF(-7, 0), mid + QPointF(7, 0));
    p.drawLine(mid + QPointF(2, -5), mid + QPointF(7, 0));
    p.drawLine(mid + QPointF(2, 5), mid + QPointF(7, 0));

    if (!m_output.isNull()) {
        const QRect target = fit(m_output.size(), rightBox);
        // Enlarged without smoothing: every pixel the model sees is visible as a pixel.
        p.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_output.width());
        p.drawImage(target, m_output);
        p.setPen(QPen(pal.color(QPalette::Mid), 1.0));
        p.drawRect(QRectF(target).adjusted(-0.5, -0.5, 0.5, 0.5));
    } else if (!m_error.isEmpty()) {
        p.setPen(Theme::error());
        p.setFont(small);
        p.drawText(rightBox.adjusted(6, 6, -6, -6), Qt::AlignCenter | Qt::TextWordWrap, m_error);
    }

    // Captions: what each side is.
    p.setFont(small);
    const QRect leftCaption(leftBox.left(), leftBox.bottom() + 4, leftBox.width(), kCaption - 4);
    const QRect rightCaption(rightBox.left(), rightBox.bottom() + 4, rightBox.width(), kCaption - 4);
    p.setPen(pal.color(QPalette::Text));
    const QString name = p.fontMetrics().elidedText(m_name, Qt::ElideMiddle, leftCaption.width());
    p.drawText(leftCaption, Qt::AlignLeft | Qt::AlignTop, name);
    p.setPen(Theme::muted());
    p.drawText(leftCaption, Qt::AlignLeft | Qt::AlignBottom,
               m_originalSize.isValid()
                   ? tr("original %1 × %2").arg(m_originalSize.width()).arg(m_originalSize.height())
                   : QString());
    if (!m_output.isNull()) {
        p.setPen(pal.color(QPalette::Text));
        p.drawText(rightCaption, Qt::AlignLeft | Qt::AlignTop,
                   tr("%1 × %2 %3%4")
                       .arg(m_output.width())
                       .arg(m_output.height())
                       .arg(m_output.format() == QImage::Format_Grayscale8 ? tr("gray") : tr("RGB"),
                            m_flip ? tr(" · flipped") : QString()));
        p.setPen(Theme::muted());
        p.drawText(rightCaption, Qt::AlignLeft | Qt::AlignBottom,
                   tr("what training gets · %1 ms").arg(m_ms, 0, 'f', 1));
    }
}

} // namespace tandem
