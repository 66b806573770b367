#include "secret_field.h"

#include "auth.h"
#include "theme.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace tandem {

SecretField::SecretField(QWidget *parent)
    : QWidget(parent), m_edit(new QLineEdit), m_reveal(new QAction(this)), m_generate(new QToolButton),
      m_copy(new QToolButton)
{
    m_edit->setObjectName(QStringLiteral("secretEdit"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setPlaceholderText(tr("paste the agent's secret, or generate one"));
    m_edit->setToolTip(tr("Both sides prove they know this secret before anything else is accepted; it never "
                          "travels over the connection and is not saved."));
    m_reveal->setCheckable(true);
    m_reveal->setIcon(Theme::icon(QStringLiteral("eye")));
    m_reveal->setToolTip(tr("Show the secret"));
    m_edit->addAction(m_reveal, QLineEdit::TrailingPosition);
    m_generate->setObjectName(QStringLiteral("generateSecret"));
    m_generate->setIcon(Theme::icon(QStringLiteral("key")));
    m_generate->setText(tr("Generate"));
    m_generate->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_generate->setToolTip(tr("Make a new random secret"));
    m_copy->setIcon(Theme::icon(QStringLiteral("copy")));
    m_copy->setToolTip(tr("Copy the secret"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_generate);
    layout->addWidget(m_copy);

    connect(m_reveal, &QAction::toggled, this, &SecretField::setRevealed);
    connect(m_generate, &QToolButton::clicked, this, &SecretField::generate);
    connect(m_copy, &QToolButton::clicked, this, &SecretField::copyToClipboard);
    connect(m_edit, &QLineEdit::textChanged, this, &SecretField::secretChanged);
}

QByteArray SecretField::secret() const
{
    return m_edit->text().trimmed().toUtf8();
}

void SecretField::setSecret(const QByteArray &secret)
{
    m_edit->setText(QString::fromUtf8(secret));
}

bool SecretField::isRevealed() const
{
    return m_edit->echoMode() == QLineEdit::Normal;
}

void SecretField::setRevealed(bool revealed)
{
    m_edit->setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
    m_reveal->setIcon(Theme::icon(revealed ? QStringLiteral("eye-off") : QStringLiteral("eye")));
    m_reveal->setToolTip(revealed ? tr("Hide the secret") : tr("Show the secret"));
    if (m_reveal->isChecked() != revealed) {
        const QSignalBlocker blocker(m_reveal);
        m_reveal->setChecked(revealed);
    }
}

void SecretField::generate()
{
    setSecret(protocol::auth::generateSecret());
    Q_EMIT notice(tr("Generated a new secret. Give it to the agent as TANDEM_SECRET (Copy puts it on the clipboard)."));
}

void SecretField::copyToClipboard()
{
    if (secret().isEmpty())
        return;
    QGuiApplication::clipboard()->setText(QString::fromUtf8(secret()));
    Q_EMIT notice(tr("Secret copied to the clipboard."));
}

} // namespace tandem
