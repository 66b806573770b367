#include "message_area.h"

#include <QEvent>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

Q_LOGGING_CATEGORY(lcMessages, "tandem.ui.messages")

namespace tandem {

MessageArea::MessageArea(QWidget *parent) : QWidget(parent), m_layout(new QVBoxLayout(this))
{
    m_layout->setContentsMargins(8, 6, 8, 0);
    m_layout->setSpacing(4);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    setVisible(false);
}

void MessageArea::floatOver(QWidget *host)
{
    if (m_host)
        m_host->removeEventFilter(this);
    m_host = host;
    setParent(host);
    m_layout->setContentsMargins(0, 0, 0, 0);
    host->installEventFilter(this);
    place();
}

bool MessageArea::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_host && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        place();
    return QWidget::eventFilter(watched, event);
}

// Bottom right, as wide as fits, as tall as the messages need (at most the host's height).
void MessageArea::place()
{
    if (!m_host || items().isEmpty())
        return;
    const int width = std::max(0, std::min(kOverlayWidth, m_host->width() - 2 * kOverlayMargin));
    m_layout->activate();
    const int wanted = hasHeightForWidth() ? heightForWidth(width) : sizeHint().height();
    const int height = std::min(wanted, std::max(0, m_host->height() - 2 * kOverlayMargin));
    setGeometry(m_host->width() - width - kOverlayMargin, m_host->height() - height - kOverlayMargin, width, height);
    raise();
}

QList<MessageItem *> MessageArea::items() const
{
    QList<MessageItem *> out;
    for (int i = 0; i < m_layout->count(); ++i)
        if (auto *item = qobject_cast<MessageItem *>(m_layout->itemAt(i)->widget()))
            out.append(item);
    return out;
}

void MessageArea::post(Severity severity, const QString &text, const QString &key, QAction *action)
{
    switch (severity) {
    case Severity::Error: qCWarning(lcMessages).noquote() << text; break;
    case Severity::Warning: qCInfo(lcMessages).noquote() << text; break;
    default: qCDebug(lcMessages).noquote() << text; break;
    }
    if (!key.isEmpty())
        dismiss(key);
    auto *item = new MessageItem(severity, text, key, action, this);
    connect(item, &MessageItem::closeRequested, this, [this, item] { remove(item); });
    m_layout->insertWidget(0, item);
    QList<MessageItem *> all = items();
    while (all.size() > kMaxMessages)
        remove(all.takeLast());
    if (severity == Severity::Info || severity == Severity::Success) {
        QPointer<MessageItem> guard(item);
        QTimer::singleShot(kNoticeMs, this, [this, guard] {
            if (guard)
                remove(guard);
        });
    }
    setVisible(true);
    place();
    Q_EMIT posted(severity, text);
}

void MessageArea::dismiss(const QString &key)
{
    const QList<MessageItem *> all = items();
    for (MessageItem *item : all)
        if (item->key() == key)
            remove(item);
}

void MessageArea::clear()
{
    const QList<MessageItem *> all = items();
    for (MessageItem *item : all)
        remove(item);
}

void MessageArea::remove(MessageItem *item)
{
    m_layout->removeWidget(item);
    item->hide();
    item->deleteLater();
    setVisible(!items().isEmpty());
    place();
}

QStringList MessageArea::texts() const
{
    QStringList out;
    const QList<MessageItem *> all = items();
    for (const MessageItem *item : all)
        out.append(item->text());
    return out;
}

int MessageArea::count() const
{
    return int(items().size());
}

} // namespace tandem
