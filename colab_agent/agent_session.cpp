#include "agent_session.h"

#include "agent_log.h"
#include "peer_text.h"
#include "session_config.h"
#include "torch_runtime.h"
#include "training_pipeline.h"

#include <QWebSocket>

namespace tandem::agent {

using protocol::ErrorCode;

AgentSession::AgentSession(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)),
      m_socket(new protocol::MessageSocket(protocol::Role::Agent, m_settings.secret, protocol::Limits{}, this))
{
    connect(m_socket, &protocol::MessageSocket::ready, this, &AgentSession::onReady);
    connect(m_socket, &protocol::MessageSocket::messageReceived, this, &AgentSession::onMessage);
    connect(m_socket, &protocol::MessageSocket::closed, this, &AgentSession::onClosed);
}

AgentSession::~AgentSession() = default;

void AgentSession::attach(QWebSocket *socket)
{
    m_peerHost = socket->peerAddress().toString();
    m_peer = QStringLiteral("%1:%2").arg(m_peerHost).arg(socket->peerPort());
    m_socket->attach(socket);
}

void AgentSession::open(const QUrl &url)
{
    m_peer = url.toString();
    m_socket->open(url);
}

void AgentSession::setHandshakeTimeout(int ms)
{
    m_socket->setHandshakeTimeout(ms);
}

void AgentSession::setAdmission(std::function<std::optional<protocol::Error>()> admission)
{
    m_socket->setAdmission(std::move(admission));
}

void AgentSession::refuse(ErrorCode code, const QString &message)
{
    m_socket->fail(code, message);
}

void AgentSession::close(const QString &reason)
{
    m_socket->close(reason);
}

void AgentSession::onReady()
{
    m_authenticated = true;
    m_phase = Phase::AwaitConfig;
    const QString software = m_socket->peerSoftware();
    if (!software.isEmpty())
        m_peer = QStringLiteral("%1 (%2)").arg(m_peer, software);
    qCInfo(lcAgent).noquote() << "authenticated" << m_peer;
    Q_EMIT authenticated();
}

void AgentSession::onMessage(const protocol::Message &message, qint64 firstByteNs, qint64 arrivalNs)
{
    if (m_phase == Phase::Ended)
        return;
    if (const auto *batch = std::get_if<protocol::Batch>(&message)) {
        onBatch(*batch, firstByteNs, arrivalNs);
    } else if (const auto *config = std::get_if<protocol::SessionConfigMessage>(&message)) {
        onConfig(*config);
    } else if (const auto *end = std::get_if<protocol::EpochEnd>(&message)) {
        if (!m_pipeline)
            m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("EpochEnd before SessionConfig"));
        else if (!m_pipeline->submitEpochEnd(*end))
            m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("too many requests waiting for the trainer"));
    } else if (std::holds_alternative<protocol::WeightsRequest>(message)) {
        if (!m_pipeline)
            m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("WeightsRequest before SessionConfig"));
        else if (!m_pipeline->submitWeightsRequest())
            m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("too many requests waiting for the trainer"));
    } else {
        m_socket->fail(ErrorCode::UnexpectedMessage,
                       QStringLiteral("%1 is not a message a client sends to an agent")
                           .arg(QLatin1String(protocol::typeName(protocol::typeOf(message)))));
    }
}

void AgentSession::onConfig(const protocol::SessionConfigMessage &message)
{
    if (m_phase != Phase::AwaitConfig) {
        m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("this connection's session is already configured"));
        return;
    }
    QString error;
    const std::optional<protocol::SessionConfig> config = protocol::SessionConfig::fromJson(message.json, &error);
    if (!config) {
        qCWarning(lcAgent).noquote() << "bad session config from" << m_peer << ":" << protocol::printable(error, 400);
        m_socket->fail(ErrorCode::BadConfig, error);
        return;
    }
    TrainingPipeline::Setup setup;
    setup.config = *config;
    setup.device = torch_runtime::planDevice(m_settings.device, config->device);
    setup.threads = m_settings.threads;
    setup.credits = m_settings.credits;
    m_phase = Phase::Starting;
    m_pipeline = std::make_unique<TrainingPipeline>(std::move(setup));
    connectPipeline();
}

void AgentSession::connectPipeline()
{
    TrainingPipeline *pipeline = m_pipeline.get();
    connect(pipeline, &TrainingPipeline::started, this, [this](const protocol::SessionInfo &info) {
        m_phase = Phase::Training;
        m_clientCredits = info.credits;
        const protocol::SessionConfig &config = m_pipeline->config();
        printLine(QStringLiteral("session for %1: %2 on %3, %4, %5×%6×%7, %8 classes, %9 parameters%10")
                      .arg(m_peer, info.model, info.device, info.precision)
                      .arg(config.height)
                      .arg(config.width)
                      .arg(config.channels)
                      .arg(config.numClasses())
                      .arg(info.parameters)
                      .arg(info.note.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(info.note)));
        m_socket->send(protocol::SessionReady{info.toJson()});
    });
    connect(pipeline, &TrainingPipeline::batchTaken, this, [this] {
        ++m_clientCredits;
        m_socket->send(protocol::Credit{1});
    });
    connect(pipeline, &TrainingPipeline::stepFinished, this, [this](protocol::StepMetrics metrics) {
        metrics.sentAtNs = protocol::monotonicNs();
        m_socket->send(metrics);
    });
    connect(pipeline, &TrainingPipeline::inferFinished, this,
            [this](const protocol::InferResult &result) { m_socket->send(result); });
    connect(pipeline, &TrainingPipeline::epochFinished, this, [this](const protocol::EpochMetrics &metrics) {
        qCInfo(lcAgent, "epoch %u %s: %u samples, accuracy %.4f, mean loss %.4f", metrics.epoch,
               protocol::splitName(metrics.split), metrics.samples, double(metrics.accuracy), double(metrics.meanLoss));
        m_socket->send(metrics);
    });
    connect(pipeline, &TrainingPipeline::weightsReady, this,
            [this](const protocol::Weights &weights) { m_socket->send(weights); });
    connect(pipeline, &TrainingPipeline::failed, this, [this](const QString &reason) {
        const bool starting = m_phase == Phase::Starting;
        qCWarning(lcAgent).noquote() << (starting ? "could not start the session:" : "training failed:") << reason;
        m_socket->fail(ErrorCode::Internal, (starting ? QStringLiteral("could not start the session: %1")
                                                      : QStringLiteral("training failed: %1"))
                                                .arg(reason));
    });
}

void AgentSession::onBatch(const protocol::Batch &batch, qint64 firstByteNs, qint64 arrivalNs)
{
    if (m_phase != Phase::Training) {
        m_socket->fail(ErrorCode::UnexpectedMessage, QStringLiteral("Batch before SessionReady"));
        return;
    }
    if (m_clientCredits <= 0) {
        // PROTOCOL.md §9: a batch beyond the credits is a flow-control violation, MalformedMessage
        // like a batch that overflows the queue (it is the same fault, seen one step earlier).
        m_socket->fail(
            ErrorCode::MalformedMessage,
            QStringLiteral("batch %1 arrived without a credit (window of %2)").arg(batch.seq).arg(m_settings.credits));
        return;
    }
    --m_clientCredits;
    const QString error = m_pipeline->submitBatch(batch, firstByteNs, arrivalNs);
    if (!error.isEmpty())
        m_socket->fail(ErrorCode::MalformedMessage, error);
}

void AgentSession::onClosed(protocol::ConnectionError error, const QString &message)
{
    if (m_phase == Phase::Ended)
        return;
    const bool hadSession = m_pipeline != nullptr;
    m_phase = Phase::Ended;
    if (m_pipeline) {
        // This may run inside one of the pipeline's own signals, and the trainer may be in the
        // middle of a step (seconds for ResNet-18 on a CPU): never wait for it here, on the event
        // loop that the next client's handshake needs. The pipeline deletes itself once its thread
        // has finished; the session's owner (server or dialer) outlives it and joins what is left.
        m_pipeline->disconnect(this);
        TrainingPipeline *pipeline = m_pipeline.release();
        const QString peer = m_peer;
        connect(pipeline, &TrainingPipeline::retired, pipeline,
                [peer] { qCInfo(lcAgent).noquote() << "trainer of the session for" << peer << "has stopped"; });
        pipeline->retire(parent() != nullptr ? parent() : this);
    }
    if (m_authenticated || hadSession) {
        printLine(QStringLiteral("session for %1 ended%2")
                      .arg(m_peer, error == protocol::ConnectionError::None
                                       ? QStringLiteral(": %1").arg(message)
                                       : QStringLiteral(" (%1): %2")
                                             .arg(QLatin1String(protocol::connectionErrorName(error)), message)));
    } else {
        qCInfo(lcAgent).noquote() << "connection from" << m_peer << "closed before authentication:" << message;
    }
    Q_EMIT ended(error, message);
}

} // namespace tandem::agent
