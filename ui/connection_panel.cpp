#include "connection_panel.h"

#include "bundle/agent_bundle.h"
#include "bundle/notebook_cell.h"
#include "colab_guide_dialog.h"
#include "message_socket.h"
#include "secret_field.h"
#include "theme.h"

#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHostInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace tandem {

namespace {
QString milliseconds(qint64 ns, bool sign = false)
{
    const double ms = double(ns) / 1e6;
    const int decimals = std::abs(ms) < 10 ? 2 : 1;
    return QStringLiteral("%1%2 ms").arg(sign && ms >= 0 ? QStringLiteral("+") : QString()).arg(ms, 0, 'f', decimals);
}

QString headline(protocol::ConnectionError error)
{
    using protocol::ConnectionError;
    switch (error) {
    case ConnectionError::Refused: return ConnectionPanel::tr("Connection refused");
    case ConnectionError::WrongSecret: return ConnectionPanel::tr("Wrong secret");
    case ConnectionError::PeerUnauthenticated: return ConnectionPanel::tr("The agent could not prove the secret");
    case ConnectionError::IncompatibleVersion: return ConnectionPanel::tr("Incompatible protocol version");
    case ConnectionError::Malformed:
    case ConnectionError::Unexpected: return ConnectionPanel::tr("Protocol error");
    case ConnectionError::PeerError: return ConnectionPanel::tr("The agent reported an error");
    case ConnectionError::Timeout: return ConnectionPanel::tr("The agent stopped answering");
    case ConnectionError::Dropped: return ConnectionPanel::tr("Connection dropped");
    case ConnectionError::SlowPeer: return ConnectionPanel::tr("The agent stopped reading");
    case ConnectionError::None: break;
    }
    return ConnectionPanel::tr("Connection closed");
}

QWidget *indented(QWidget *content)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(24, 0, 0, 2);
    layout->addWidget(content, 1);
    return row;
}
} // namespace

ConnectionPanel::ConnectionPanel(QWidget *parent)
    : QWidget(parent), m_modes(new QButtonGroup(this)), m_url(new QLineEdit), m_listenHost(new QComboBox),
      m_listenPort(new QSpinBox), m_agentCommand(new QLabel), m_secret(new SecretField),
      m_secretLabel(new QLabel(tr("Secret"))), m_stateDot(new QLabel), m_state(new QLabel), m_clock(new QLabel),
      m_agent(new QLabel), m_error(new QLabel), m_details(new QPlainTextEdit),
      m_reconnect(new QPushButton(Theme::icon(QStringLiteral("reconnect")), tr("Reconnect")))
{
    auto *local = new QRadioButton(tr("This computer (local agent)"));
    auto *dial = new QRadioButton(tr("Connect to an agent at a URL"));
    auto *listen = new QRadioButton(tr("Wait for the agent to dial in (Colab)"));
    local->setObjectName(QStringLiteral("modeLocal"));
    dial->setObjectName(QStringLiteral("modeDial"));
    listen->setObjectName(QStringLiteral("modeListen"));
    local->setToolTip(tr("Starts tandem-agent here on 127.0.0.1 with a fresh secret; it trains on this "
                         "computer's CPU, or its GPU when the agent was built with CUDA."));
    dial->setToolTip(tr("An agent started with --listen, reached directly, through an SSH forward or a tunnel. Not "
                        "for Colab: its FAQ disallows running the tunnel this needs inside the notebook."));
    listen->setToolTip(tr("This app listens; the agent dials out with --connect (the direction Colab allows)."));
    m_modes->addButton(local, int(AgentMode::Local));
    m_modes->addButton(dial, int(AgentMode::Dial));
    m_modes->addButton(listen, int(AgentMode::Listen));

    m_url->setObjectName(QStringLiteral("agentUrl"));
    m_url->setPlaceholderText(QStringLiteral("wss://name.trycloudflare.com  or  ws://host:8765"));
    m_url->setClearButtonEnabled(true);
    auto *urlBox = new QWidget;
    auto *urlLayout = new QVBoxLayout(urlBox);
    urlLayout->setContentsMargins(0, 0, 0, 0);
    urlLayout->setSpacing(2);
    urlLayout->addWidget(m_url);
    auto *notForColab = new QLabel(tr("Not for Colab: this needs a tunnel inside the notebook, which Colab's FAQ "
                                      "disallows. There, let the agent dial in (below)."));
    notForColab->setObjectName(QStringLiteral("dialNotForColab"));
    notForColab->setProperty("role", QStringLiteral("caption"));
    notForColab->setWordWrap(true);
    urlLayout->addWidget(notForColab);
    m_urlRow = indented(urlBox);

    m_listenHost->addItem(tr("this computer only (127.0.0.1)"), QStringLiteral("127.0.0.1"));
    m_listenHost->addItem(tr("every network (0.0.0.0)"), QStringLiteral("0.0.0.0"));
    m_listenPort->setRange(1, 65535);
    m_listenPort->setValue(8765);
    auto *listenBox = new QWidget;
    auto *listenLayout = new QHBoxLayout(listenBox);
    listenLayout->setContentsMargins(0, 0, 0, 0);
    listenLayout->addWidget(m_listenHost, 1);
    listenLayout->addWidget(new QLabel(tr("port")));
    listenLayout->addWidget(m_listenPort);
    m_listenRow = indented(listenBox);

    // A label that wraps, not a line edit: the whole command stays visible however narrow the panel.
    m_agentCommand->setObjectName(QStringLiteral("agentCommand"));
    m_agentCommand->setWordWrap(true);
    m_agentCommand->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_agentCommand->setTextFormat(Qt::PlainText);
    m_agentCommand->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_agentCommand->setToolTip(tr("Run this where the agent is (for Colab: in the notebook's cell)."));
    auto *copyCommand = new QToolButton;
    copyCommand->setIcon(Theme::icon(QStringLiteral("copy")));
    copyCommand->setToolTip(tr("Copy the command, secret included"));
    auto *commandBox = new QWidget;
    auto *commandLayout = new QHBoxLayout(commandBox);
    commandLayout->setContentsMargins(0, 0, 0, 0);
    commandLayout->setSpacing(4);
    commandLayout->addWidget(m_agentCommand, 1);
    commandLayout->addWidget(copyCommand);
    m_commandRow = indented(commandBox);

    m_stateDot->setPixmap(Theme::dot(Theme::stateColor(TrainingSession::State::Idle)));
    m_state->setObjectName(QStringLiteral("connectionState"));
    m_state->setText(tr("Not connected"));
    m_clock->setProperty("role", QStringLiteral("caption"));
    m_clock->setObjectName(QStringLiteral("clockLabel"));
    m_agent->setProperty("role", QStringLiteral("caption"));
    m_agent->setWordWrap(true);
    m_error->setObjectName(QStringLiteral("connectionError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    m_error->setVisible(false);
    // The agent's log stays behind a "Details" link: the headline speaks to a person.
    connect(m_error, &QLabel::linkActivated, this, [this] { m_details->setVisible(!m_details->isVisible()); });
    m_details->setObjectName(QStringLiteral("connectionDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setMaximumHeight(140);
    m_details->setVisible(false);
    m_reconnect->setObjectName(QStringLiteral("reconnectButton"));
    m_reconnect->setToolTip(tr("Start the run again with these connection settings"));
    m_reconnect->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(local);
    layout->addWidget(dial);
    layout->addWidget(m_urlRow);
    layout->addWidget(listen);
    layout->addWidget(m_listenRow);
    layout->addWidget(m_commandRow);
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secretLabel);
    secretRow->addWidget(m_secret, 1);
    layout->addSpacing(4);
    layout->addLayout(secretRow);
    // Getting an agent running elsewhere: the notebook cell for this direction, and the sources.
    auto *copyCell = new QPushButton(Theme::icon(QStringLiteral("copy")), tr("Copy notebook cell"));
    copyCell->setObjectName(QStringLiteral("copyNotebookCell"));
    copyCell->setToolTip(
        tr("A ready cell 2 for the Tandem notebook (Train on Colab… saves it), with the secret filled in"));
    auto *exportBundle = new QPushButton(tr("Export agent bundle…"));
    exportBundle->setObjectName(QStringLiteral("exportAgentBundle"));
    exportBundle->setToolTip(tr("The agent's sources and the notebook, to upload to Colab or any GPU machine"));
    m_remoteRow = new QWidget;
    auto *remoteLayout = new QHBoxLayout(m_remoteRow);
    remoteLayout->setContentsMargins(0, 2, 0, 0);
    remoteLayout->addWidget(copyCell);
    remoteLayout->addWidget(exportBundle);
    remoteLayout->addStretch(1);
    layout->addWidget(m_remoteRow);
    auto *colab = new QPushButton(Theme::icon(QStringLiteral("info")), tr("Train on Colab…"));
    colab->setObjectName(QStringLiteral("colabGuideButton"));
    colab->setToolTip(tr("Step by step: the notebook, the agent's sources, the direction Colab allows"));
    auto *colabRow = new QHBoxLayout;
    colabRow->addWidget(colab);
    colabRow->addStretch(1);
    layout->addLayout(colabRow);
    connect(colab, &QPushButton::clicked, this, &ConnectionPanel::openColabGuide);
    layout->addSpacing(6);
    auto *stateRow = new QHBoxLayout;
    stateRow->setSpacing(6);
    stateRow->addWidget(m_stateDot);
    stateRow->addWidget(m_state, 1);
    stateRow->addWidget(m_reconnect);
    layout->addLayout(stateRow);
    layout->addWidget(m_clock);
    layout->addWidget(m_agent);
    layout->addWidget(m_error);
    layout->addWidget(m_details);

    connect(m_modes, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (!checked)
            return;
        updateModeWidgets();
        Q_EMIT changed();
    });
    connect(m_url, &QLineEdit::textChanged, this, &ConnectionPanel::changed);
    connect(m_listenHost, &QComboBox::currentIndexChanged, this, [this] {
        updateAgentCommand();
        Q_EMIT changed();
    });
    connect(m_listenPort, &QSpinBox::valueChanged, this, [this] {
        updateAgentCommand();
        Q_EMIT changed();
    });
    connect(m_secret, &SecretField::secretChanged, this, &ConnectionPanel::updateAgentCommand);
    connect(m_secret, &SecretField::notice, this, &ConnectionPanel::notice);
    connect(copyCommand, &QToolButton::clicked, this, [this] {
        const QString url = m_agentCommand->property("url").toString();
        QGuiApplication::clipboard()->setText(QStringLiteral("TANDEM_SECRET='%1' tandem-agent --connect %2")
                                                  .arg(QString::fromUtf8(m_secret->secret()), url));
        Q_EMIT notice(tr("Agent command copied, with the secret: paste it where the agent runs."));
    });
    connect(copyCell, &QPushButton::clicked, this, [this] {
        const QString cell = notebookCell();
        if (cell.isEmpty()) {
            Q_EMIT notice(tr("Generate or paste a secret first: the notebook cell carries it."));
            return;
        }
        QGuiApplication::clipboard()->setText(cell);
        Q_EMIT notice(mode() == AgentMode::Listen
                          ? tr("Notebook cell copied: the agent will dial %1. Paste it as cell 2.")
                                .arg(m_agentCommand->property("url").toString())
                          : tr("Notebook cell copied: the agent will listen behind a tunnel and print its wss:// URL. "
                               "Paste it as cell 2."));
    });
    connect(exportBundle, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export agent bundle"), QString::fromLatin1(AgentBundle::kFileName),
                                         tr("Agent bundle (*.tar.gz)"));
        if (!path.isEmpty())
            exportAgentBundle(path);
    });
    connect(m_reconnect, &QPushButton::clicked, this, &ConnectionPanel::reconnectRequested);
    setMode(AgentMode::Local);
}

void ConnectionPanel::attach(TrainingSession *session)
{
    m_session = session;
    connect(session, &TrainingSession::stateChanged, this, &ConnectionPanel::onStateChanged);
    connect(session, &TrainingSession::clockUpdated, this, &ConnectionPanel::onClock);
    connect(session, &TrainingSession::agentReady, this, &ConnectionPanel::onAgentReady);
    connect(session, &TrainingSession::connectionFailed, this, &ConnectionPanel::onConnectionFailed);
    connect(session, &TrainingSession::finished, this, [this](bool ok, const QString &message) {
        if (ok || !m_session || m_session->state() != TrainingSession::State::Failed || !m_error->isHidden())
            return;
        // Failures before a connection existed (no agent program, port in use) land here, and
        // failures on this side after training began, which are no failure to start.
        showError(m_session->trainingBegan() ? tr("Stopped") : tr("Could not start"), message,
                  m_session->lastAgentLog());
    });
    connect(session, &TrainingSession::agentQuit, this, [this](const QString &message, const QString &log) {
        showError(tr("The local agent stopped unexpectedly"), message, log);
    });
}

AgentMode ConnectionPanel::mode() const
{
    return AgentMode(std::max(0, m_modes->checkedId()));
}

void ConnectionPanel::setMode(AgentMode mode)
{
    if (QAbstractButton *button = m_modes->button(int(mode)))
        button->setChecked(true);
    updateModeWidgets();
}

void ConnectionPanel::setUrl(const QString &url)
{
    m_url->setText(url);
}

void ConnectionPanel::updateModeWidgets()
{
    const AgentMode m = mode();
    m_urlRow->setEnabled(m == AgentMode::Dial);
    m_urlRow->setVisible(m == AgentMode::Dial);
    m_listenRow->setVisible(m == AgentMode::Listen);
    m_commandRow->setVisible(m == AgentMode::Listen);
    const bool needsSecret = m != AgentMode::Local;
    m_remoteRow->setVisible(needsSecret);
    m_secret->setEnabled(needsSecret);
    m_secretLabel->setEnabled(needsSecret);
    m_secret->lineEdit()->setPlaceholderText(needsSecret ? tr("paste the agent's secret, or generate one")
                                                         : tr("made fresh for each run"));
    updateAgentCommand();
}

QString ConnectionPanel::notebookCell() const
{
    const QByteArray secret = m_secret->secret();
    if (secret.isEmpty())
        return {};
    if (mode() == AgentMode::Listen)
        return NotebookCell::forDialOut(QUrl(m_agentCommand->property("url").toString()), secret);
    return NotebookCell::forListen(secret);
}

bool ConnectionPanel::exportAgentBundle(const QString &path)
{
    const AgentBundle::Result result = AgentBundle::write(AgentBundle::findSourceRoot(), path);
    if (!result.ok()) {
        Q_EMIT notice(tr("Could not export the agent bundle: %1").arg(result.error));
        return false;
    }
    Q_EMIT notice(tr("Agent bundle written to %1 (%2): upload it to the notebook before cell 1.")
                      .arg(QDir::toNativeSeparators(path), QLocale().formattedDataSize(result.bytes)));
    return true;
}

int ConnectionPanel::listenPort() const
{
    return m_listenPort->value();
}

void ConnectionPanel::openColabGuide()
{
    if (!m_colabGuide) {
        m_colabGuide = new ColabGuideDialog(this, window());
        m_colabGuide->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_colabGuide, &ColabGuideDialog::notice, this, &ConnectionPanel::notice);
    }
    m_colabGuide->show();
    m_colabGuide->raise();
    m_colabGuide->activateWindow();
}

void ConnectionPanel::updateAgentCommand()
{
    QString host = m_listenHost->currentData().toString();
    if (host == QLatin1String("0.0.0.0"))
        host = QHostInfo::localHostName();
    const QString url = QStringLiteral("ws://%1:%2").arg(host).arg(m_listenPort->value());
    m_agentCommand->setProperty("url", url);
    m_agentCommand->setText(QStringLiteral("TANDEM_SECRET=%1 tandem-agent --connect %2")
                                .arg(m_secret->secret().isEmpty() ? tr("<secret>") : QStringLiteral("••••••"), url));
}

void ConnectionPanel::load(const TrainingOptions &options)
{
    setMode(options.agentMode);
    m_url->setText(options.agentUrl.toString());
    const int host = m_listenHost->findData(options.listenHost);
    m_listenHost->setCurrentIndex(host < 0 ? 0 : host);
    m_listenPort->setValue(options.listenPort);
    if (!options.secret.isEmpty())
        m_secret->setSecret(options.secret);
    updateAgentCommand();
}

void ConnectionPanel::applyTo(TrainingOptions &options) const
{
    options.agentMode = mode();
    options.agentUrl = QUrl(m_url->text().trimmed());
    options.listenHost = m_listenHost->currentData().toString();
    options.listenPort = quint16(m_listenPort->value());
    options.secret = options.agentMode == AgentMode::Local ? QByteArray() : m_secret->secret();
}

QString ConnectionPanel::validate() const
{
    const AgentMode m = mode();
    if (m == AgentMode::Dial) {
        const QUrl url(m_url->text().trimmed());
        if (m_url->text().trimmed().isEmpty())
            return tr("Enter the agent's address, for example ws://127.0.0.1:8765 or wss://name.trycloudflare.com.");
        if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss")) ||
            url.host().isEmpty())
            return tr("The agent's address must be a ws:// or wss:// URL with a host, not \"%1\".")
                .arg(m_url->text().trimmed());
        if (!url.userInfo().isEmpty() || url.hasQuery())
            return tr("The secret must not travel in the URL: remove the user name, password or query and put the "
                      "secret in the Secret field.");
    }
    if (m != AgentMode::Local && m_secret->secret().isEmpty())
        return tr("Enter the agent's secret, or generate one and give it to the agent.");
    return {};
}

QString ConnectionPanel::stateText() const
{
    return m_state->text();
}

QString ConnectionPanel::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ConnectionPanel::onStateChanged(TrainingSession::State state)
{
    using State = TrainingSession::State;
    m_stateDot->setPixmap(Theme::dot(Theme::stateColor(state)));
    QString text;
    switch (state) {
    case State::Idle: text = tr("Not connected"); break;
    case State::Training:
    case State::Paused:
    case State::Configuring:
    case State::Finishing: text = tr("Connected · %1").arg(TrainingSession::stateName(state)); break;
    case State::WaitingForAgent:
        text = tr("Waiting for the agent to dial %1").arg(m_session ? m_session->listenUrl().toString() : QString());
        break;
    default: text = TrainingSession::stateName(state); break;
    }
    m_state->setText(text);
    const bool starting = state == State::Indexing || state == State::StartingAgent || state == State::Connecting ||
                          state == State::WaitingForAgent;
    if (starting) {
        m_error->setVisible(false);
        m_details->setVisible(false);
        m_details->clear();
        m_reconnect->setVisible(false);
        m_clock->clear();
        m_agent->clear();
    }
    // The connection settings cannot change under a run.
    const bool active = m_session && m_session->isActive();
    for (QAbstractButton *button : m_modes->buttons())
        button->setEnabled(!active);
    m_urlRow->setEnabled(!active && mode() == AgentMode::Dial);
    m_listenRow->setEnabled(!active);
    m_secret->setEnabled(!active && mode() != AgentMode::Local);
}

void ConnectionPanel::onClock(qint64 offsetNs, qint64 roundTripNs)
{
    m_clock->setText(tr("Round trip %1 · clock offset %2 (± %3)")
                         .arg(milliseconds(roundTripNs), milliseconds(offsetNs, true), milliseconds(roundTripNs / 2)));
}

void ConnectionPanel::onAgentReady(const protocol::SessionInfo &info)
{
    QStringList parts{info.device, info.model};
    if (info.parameters > 0)
        parts << tr("%1 M parameters").arg(double(info.parameters) / 1e6, 0, 'f', 2);
    if (!info.precision.isEmpty())
        parts << info.precision;
    if (!info.torchVersion.isEmpty())
        parts << tr("libtorch %1").arg(info.torchVersion);
    QString text = tr("Agent: %1").arg(parts.join(QStringLiteral(" · ")));
    if (!info.note.isEmpty())
        text += QStringLiteral("\n") + info.note;
    m_agent->setText(text);
}

void ConnectionPanel::onConnectionFailed(protocol::ConnectionError error, const QString &message)
{
    showError(headline(error), message, QString());
}

void ConnectionPanel::showError(const QString &headline, const QString &message, const QString &details)
{
    QString html = QStringLiteral("<span style='color:%1'><b>%2</b></span><br>%3")
                       .arg(Theme::error().name(), headline.toHtmlEscaped(), message.toHtmlEscaped());
    if (!details.trimmed().isEmpty())
        html += QStringLiteral(" <a href=\"details\">%1</a>").arg(tr("Details"));
    m_error->setText(html);
    m_error->setVisible(true);
    m_details->setPlainText(details.trimmed());
    m_details->setVisible(false);
    m_reconnect->setVisible(true);
}

QString ConnectionPanel::detailsText() const
{
    return m_details->toPlainText();
}

} // namespace tandem
