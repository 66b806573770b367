// The shared secret: hidden by default, with show, generate and copy.
#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QLineEdit;
class QToolButton;
QT_END_NAMESPACE

namespace tandem {

class SecretField : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretField)
public:
    explicit SecretField(QWidget *parent = nullptr);

    [[nodiscard]] QByteArray secret() const;
    void setSecret(const QByteArray &secret);
    [[nodiscard]] bool isRevealed() const;
    void setRevealed(bool revealed);
    // A fresh random secret (protocol::auth::generateSecret), shown so that it can be copied.
    void generate();
    void copyToClipboard();
    [[nodiscard]] QLineEdit *lineEdit() const { return m_edit; }

Q_SIGNALS:
    void secretChanged();
    // Something worth a brief notice ("Secret copied").
    void notice(const QString &text);

private:
    QLineEdit *m_edit;
    QAction *m_reveal;
    QToolButton *m_generate;
    QToolButton *m_copy;
};

} // namespace tandem
