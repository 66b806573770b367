#include "stat_tile.h"

#include <QLabel>
#include <QVBoxLayout>

namespace tandem {

StatTile::StatTile(const QString &caption, QWidget *parent)
    : QFrame(parent), m_caption(new QLabel(caption)), m_value(new QLabel(QStringLiteral("—"))), m_detail(new QLabel)
{
    setProperty("card", true);
    m_caption->setProperty("role", QStringLiteral("caption"));
    m_value->setProperty("role", QStringLiteral("figure"));
    m_detail->setProperty("role", QStringLiteral("caption"));
    m_detail->setWordWrap(true); // a narrow tile (1024 px window) takes a second line, never cuts it
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 5, 12, 5);
    layout->setSpacing(1);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    // Small enough for six in a row to shrink; DashboardView moves them into two rows before they clip.
    setMinimumWidth(90);
}

void StatTile::setValue(const QString &value, const QString &detail)
{
    m_value->setText(value);
    m_detail->setText(detail);
}

QString StatTile::value() const
{
    return m_value->text();
}

} // namespace tandem
