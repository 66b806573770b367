#include "thumbnail_delegate.h"

#include "dataset_model.h"
#include "theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace tandem {

namespace {
constexpr int kPadding = 6;
constexpr int kCaption = 18;
} // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject *parent)
    : QStyledItemDelegate(parent), m_broken(Theme::icon(QStringLiteral("broken-image")))
{
}

void ThumbnailDelegate::setThumbnailSize(int side)
{
    m_side = std::clamp(side, 32, 256);
}

QSize ThumbnailDelegate::cellSize() const
{
    return QSize(m_side + 2 * kPadding, m_side + 2 * kPadding + kCaption);
}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem &, const QModelIndex &) const
{
    return cellSize();
}

void ThumbnailDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QPalette &palette = option.palette;
    // The grid spreads its columns over the view's width; the card keeps its size, centred.
    const QSize size = cellSize();
    const QRect cell = QRect(option.rect.left() + (option.rect.width() - size.width()) / 2, option.rect.top(),
                             size.width(), size.height())
                           .adjusted(2, 2, -2, -2);
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    QPainterPath card;
    card.addRoundedRect(QRectF(cell).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    painter->fillPath(card,
                      selected ? Theme::tint(palette.color(QPalette::Highlight), 0.18) : palette.color(QPalette::Base));
    painter->setPen(QPen(selected  ? palette.color(QPalette::Highlight)
                         : hovered ? palette.color(QPalette::Mid)
                                   : palette.color(QPalette::Midlight),
                         selected ? 2.0 : 1.0));
    painter->drawPath(card);

    const QRect imageArea(cell.left() + kPadding - 2, cell.top() + kPadding - 2, m_side, m_side);
    const auto state = DatasetModel::ThumbnailState(index.data(DatasetModel::ThumbnailStateRole).toInt());
    const QVariant decoration = index.data(Qt::DecorationRole); // asks for the thumbnail if missing
    if (state == DatasetModel::ThumbnailState::Ready && decoration.canConvert<QPixmap>()) {
        const QPixmap pixmap = decoration.value<QPixmap>();
        const QSize fitted = pixmap.size().scaled(imageArea.size(), Qt::KeepAspectRatio);
        const QRect target(imageArea.center() - QPoint(fitted.width() / 2, fitted.height() / 2), fitted);
        // Small images (28×28 Fashion-MNIST) stay crisp when enlarged; large ones are filtered.
        painter->setRenderHint(QPainter::SmoothPixmapTransform, fitted.width() < pixmap.width());
        painter->drawPixmap(target, pixmap);
    } else if (state == DatasetModel::ThumbnailState::Failed) {
        m_broken.paint(painter, imageArea.adjusted(m_side / 4, m_side / 4, -m_side / 4, -m_side / 4));
    } else {
        painter->fillRect(imageArea.adjusted(4, 4, -4, -4), palette.color(QPalette::AlternateBase));
    }

    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() - 1);
    painter->setFont(font);
    painter->setPen(selected ? palette.color(QPalette::Text) : Theme::muted());
    const QRect caption(cell.left() + 4, imageArea.bottom() + 3, cell.width() - 8, kCaption);
    const QString text = index.data(DatasetModel::ClassNameRole).toString();
    painter->drawText(caption, Qt::AlignHCenter | Qt::AlignVCenter,
                      painter->fontMetrics().elidedText(text, Qt::ElideRight, caption.width()));
    painter->restore();
}

} // namespace tandem
