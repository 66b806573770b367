// Where the agent is (this computer, a URL, or dialling in), the secret, and the link's health.
#pragma once

#include "protocol/session_config.h"
#include "session/training_options.h"
#include "session/training_session.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QToolButton;
QT_END_NAMESPACE

namespace tandem {

class ColabGuideDialog;
class SecretField;

// Reads and writes the connection part of TrainingOptions, and shows what the session reports:
// its state, round-trip time and clock offset, the agent's device and model, and connection
// errors named for what went wrong (refused, wrong secret, protocol version, dropped).
class ConnectionPanel : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionPanel)
public:
    explicit ConnectionPanel(QWidget *parent = nullptr);

    void attach(TrainingSession *session);

    void load(const TrainingOptions &options);
    void applyTo(TrainingOptions &options) const;
    // Empty when the settings are complete; else what is missing, for a person.
    [[nodiscard]] QString validate() const;

    [[nodiscard]] AgentMode mode() const;
    void setMode(AgentMode mode);
    void setUrl(const QString &url);
    [[nodiscard]] SecretField *secretField() const { return m_secret; }
    [[nodiscard]] QString stateText() const;
    [[nodiscard]] QString errorText() const;
    // The log behind the error's "Details" link (the agent's last lines), empty when there is none.
    [[nodiscard]] QString detailsText() const;

    // The Colab notebook's cell 2 for the chosen direction, secret filled in; empty without a secret.
    [[nodiscard]] QString notebookCell() const;
    bool exportAgentBundle(const QString &path);
    [[nodiscard]] int listenPort() const;
    // Opens the "Train on Colab" guide (one per panel, raised when already open).
    void openColabGuide();

Q_SIGNALS:
    void changed();
    void reconnectRequested();
    void notice(const QString &text);

private:
    void updateModeWidgets();
    void updateAgentCommand();
    void onStateChanged(TrainingSession::State state);
    void onClock(qint64 offsetNs, qint64 roundTripNs);
    void onAgentReady(const protocol::SessionInfo &info);
    void onConnectionFailed(protocol::ConnectionError error, const QString &message);
    void showError(const QString &headline, const QString &message, const QString &details);

    QPointer<TrainingSession> m_session;
    QButtonGroup *m_modes;
    QLineEdit *m_url;
    QWidget *m_urlRow;
    QComboBox *m_listenHost;
    QSpinBox *m_listenPort;
    QWidget *m_listenRow;
    QLabel *m_agentCommand;
    QWidget *m_commandRow;
    QWidget *m_remoteRow;
    SecretField *m_secret;
    QLabel *m_secretLabel;
    QLabel *m_stateDot;
    QLabel *m_state;
    QLabel *m_clock;
    QLabel *m_agent;
    QLabel *m_error;
    QPlainTextEdit *m_details;
    QPushButton *m_reconnect;
    QPointer<ColabGuideDialog> m_colabGuide;
};

} // namespace tandem
