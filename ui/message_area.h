// The non-modal place where errors, warnings and notices appear, newest first, until dismissed.
#pragma once

#include "message_item.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QVBoxLayout;
QT_END_NAMESPACE

namespace tandem {

// Nothing here blocks: a refused connection or a corrupt file never opens a dialog. Messages with
// a key replace the previous message with that key (one connection error at a time); info and
// success notices fade after a while, warnings and errors stay until closed.
//
// Placed with floatOver(), the area is an overlay in the host's bottom-right corner: messages
// arriving or leaving never move the host's layout, so a click or a keystroke aimed at a control
// cannot land on another one that a banner pushed into its place.
class MessageArea : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageArea)
public:
    static constexpr int kMaxMessages = 4;
    static constexpr int kNoticeMs = 12000;

    static constexpr int kOverlayWidth = 460;
    static constexpr int kOverlayMargin = 12;

    explicit MessageArea(QWidget *parent = nullptr);

    // Makes the area a child of host that floats over it, outside any layout, and follows its size.
    void floatOver(QWidget *host);

    // action (not owned) adds a button, e.g. "Retry".
    void post(Severity severity, const QString &text, const QString &key = {}, QAction *action = nullptr);
    void dismiss(const QString &key);
    void clear();

    [[nodiscard]] QStringList texts() const; // newest first
    [[nodiscard]] int count() const;

Q_SIGNALS:
    void posted(tandem::Severity severity, const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    [[nodiscard]] QList<MessageItem *> items() const;
    void place();
    void remove(MessageItem *item);

    QVBoxLayout *m_layout;
    QWidget *m_host = nullptr;
};

} // namespace tandem
