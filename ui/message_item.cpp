#include "message_item.h"

#include "theme.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTime>
#include <QToolButton>

namespace tandem {

namespace {
QColor colorOf(Severity severity)
{
    switch (severity) {
    case Severity::Success: return Theme::success();
    case Severity::Warning: return Theme::warning();
    case Severity::Error: return Theme::error();
    case Severity::Info: break;
    }
    return Theme::accent();
}

QString iconOf(Severity severity)
{
    switch (severity) {
    case Severity::Success: return QStringLiteral("success");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Error: return QStringLiteral("error");
    case Severity::Info: break;
    }
    return QStringLiteral("info");
}
} // namespace

MessageItem::MessageItem(Severity severity, const QString &text, const QString &key, QAction *action, QWidget *parent)
    : QFrame(parent), m_severity(severity), m_key(key), m_text(new QLabel(text))
{
    setObjectName(QStringLiteral("messageItem"));
    auto *icon = new QLabel;
    icon->setPixmap(Theme::icon(iconOf(severity)).pixmap(18, 18));
    icon->setAlignment(Qt::AlignTop);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *time = new QLabel(QTime::currentTime().toString(QStringLiteral("HH:mm")));
    time->setProperty("role", QStringLiteral("caption"));
    auto *close = new QToolButton;
    close->setIcon(Theme::icon(QStringLiteral("close")));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &MessageItem::closeRequested);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 5, 4, 5);
    layout->setSpacing(8);
    layout->addWidget(icon);
    layout->addWidget(m_text, 1);
    if (action) {
        auto *button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        layout->addWidget(button);
    }
    layout->addWidget(time);
    layout->addWidget(close);
    restyle();
}

QString MessageItem::text() const
{
    return m_text->text();
}

void MessageItem::setText(const QString &text)
{
    m_text->setText(text);
}

void MessageItem::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        restyle();
}

void MessageItem::restyle()
{
    // Setting a style sheet changes the palette too: only react to a new application palette.
    const QColor base = QApplication::palette().color(QPalette::Base);
    if (base == m_styledFor)
        return;
    m_styledFor = base;
    const QColor color = colorOf(m_severity);
    // A tinted card with a strong left edge: readable in both palettes, quiet for info.
    setStyleSheet(QStringLiteral("QFrame#messageItem { background: %1; border: 1px solid %2; border-left: 4px solid "
                                 "%3; border-radius: 6px; }")
                      .arg(Theme::tint(color, 0.10).name(), Theme::tint(color, 0.35).name(), color.name()));
}

} // namespace tandem
