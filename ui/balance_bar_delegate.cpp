#include "balance_bar_delegate.h"

#include "class_balance_model.h"
#include "theme.h"

#include <QPainter>

namespace tandem {

BalanceBarDelegate::BalanceBarDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void BalanceBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QStyledItemDelegate::paint(painter, background, QModelIndex()); // selection/hover background only

    const double fraction = std::clamp(index.data(ClassBalanceModel::FractionRole).toDouble(), 0.0, 1.0);
    const QRectF track =
        QRectF(option.rect).adjusted(4, option.rect.height() / 2.0 - 4, -6, -(option.rect.height() / 2.0 - 4));
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(option.palette.color(QPalette::Midlight));
    painter->drawRoundedRect(track, 4, 4);
    QRectF bar = track;
    bar.setWidth(std::max(track.height(), track.width() * fraction));
    // Classes far below the largest are the ones to worry about: amber under half.
    painter->setBrush(fraction < 0.5 ? Theme::warning() : Theme::accent());
    painter->drawRoundedRect(bar, 4, 4);
    painter->restore();
}

QSize BalanceBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), 90));
    return size;
}

} // namespace tandem
