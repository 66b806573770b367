// One client connection on the agent: authentication (through MessageSocket), the session
// configuration, credits, and relaying batches to and results from the TrainingPipeline.
#pragma once

#include "message_socket.h"
#include "messages.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace tandem::agent {

class TrainingPipeline;

class AgentSession : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentSession)
public:
    struct Settings {
        QByteArray secret;
        QString device = QStringLiteral("auto"); // the agent's --device
        int threads = 0;
        int credits = 4; // initial in-flight window granted to the client
    };

    explicit AgentSession(Settings settings, QObject *parent = nullptr);
    ~AgentSession() override;

    void attach(QWebSocket *socket); // an accepted connection (listen mode)
    void open(const QUrl &url);      // dial out (connect mode)
    // Sends an Error and closes (e.g. Busy).
    void refuse(protocol::ErrorCode code, const QString &message);
    // Says Goodbye and closes.
    void close(const QString &reason);

    // The agent's own deadline for a peer to authenticate (listen mode: short, PROTOCOL.md §5).
    void setHandshakeTimeout(int ms);
    // Asked when the peer's proof verified, before the agent's proof is sent: an Error refuses the
    // peer (Busy) before it ever looks accepted.
    void setAdmission(std::function<std::optional<protocol::Error>()> admission);

    [[nodiscard]] QString peer() const { return m_peer; }
    [[nodiscard]] QString peerHost() const { return m_peerHost; }
    [[nodiscard]] bool isAuthenticated() const { return m_authenticated; }

Q_SIGNALS:
    void authenticated();
    // Once, when the connection is over; the model is freed by then.
    void ended(tandem::protocol::ConnectionError error, const QString &message);

private:
    enum class Phase { Handshake, AwaitConfig, Starting, Training, Ended };

    void onReady();
    void onMessage(const protocol::Message &message, qint64 firstByteNs, qint64 arrivalNs);
    void onConfig(const protocol::SessionConfigMessage &message);
    void onBatch(const protocol::Batch &batch, qint64 firstByteNs, qint64 arrivalNs);
    void onClosed(protocol::ConnectionError error, const QString &message);
    void connectPipeline();

    Settings m_settings;
    protocol::MessageSocket *m_socket; // child
    std::unique_ptr<TrainingPipeline> m_pipeline;
    Phase m_phase = Phase::Handshake;
    QString m_peer;
    QString m_peerHost; // the address alone, for per-source budgets
    bool m_authenticated = false;
    int m_clientCredits = 0; // batches the client may still send
};

} // namespace tandem::agent
