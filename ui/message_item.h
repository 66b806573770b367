// One message in the message area: severity icon, text, an optional action, and a close button.
#pragma once

#include <QColor>
#include <QFrame>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
QT_END_NAMESPACE

namespace tandem {

enum class Severity { Info, Success, Warning, Error };

class MessageItem : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageItem)
public:
    MessageItem(Severity severity, const QString &text, const QString &key, QAction *action, QWidget *parent = nullptr);

    [[nodiscard]] Severity severity() const { return m_severity; }
    [[nodiscard]] QString key() const { return m_key; }
    [[nodiscard]] QString text() const;
    void setText(const QString &text);

Q_SIGNALS:
    void closeRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();

    Severity m_severity;
    QString m_key;
    QColor m_styledFor; // the base colour the style sheet was made for
    QLabel *m_text;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::Severity)
