// Paints a class's share of the largest class as a horizontal bar in the class list.
#pragma once

#include <QStyledItemDelegate>

namespace tandem {

class BalanceBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BalanceBarDelegate)
public:
    explicit BalanceBarDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    [[nodiscard]] QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace tandem
