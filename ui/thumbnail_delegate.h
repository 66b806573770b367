// Paints one dataset image in the grid: the thumbnail on a card, its class underneath.
#pragma once

#include <QIcon>
#include <QStyledItemDelegate>

namespace tandem {

class ThumbnailDelegate : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailDelegate)
public:
    explicit ThumbnailDelegate(QObject *parent = nullptr);

    void setThumbnailSize(int side);
    [[nodiscard]] int thumbnailSize() const { return m_side; }
    [[nodiscard]] QSize cellSize() const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    [[nodiscard]] QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_side = 96;
    QIcon m_broken;
};

} // namespace tandem
