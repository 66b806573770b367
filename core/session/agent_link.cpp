#include "agent_link.h"

#include "common/stage.h"
#include "transport/connection_error_text.h"
#include "weights_file.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLink, "tandem.link")

namespace tandem {

namespace {
using protocol::ConnectionError;
using protocol::Span;
using protocol::Stage;

constexpr int kPingIntervalMs = 1000;
// A batch waits in the producer's queue, not in the socket's buffer, once that buffer holds this
// much. Behind a slow link the buffer would otherwise take every batch the credits allow (tens of MB
// at 224 px), which costs memory, makes the send spans start long before the bytes leave, and passes
// MessageSocket's bound for a peer that does not read (16 MiB beyond the largest message), which
// ended runs over a 5 MB/s link (tests/bench/link_bench.sh).
constexpr qint64 kMaxUnsentBytes = 8 * 1024 * 1024;
constexpr int kPingBurstIntervalMs = 50;
constexpr int kPingBurst = 8; // a quick first clock estimate before the first batches return
} // namespace

// The timer is a child, so that it moves to the link's thread with it (a plain member would stay behind).
AgentLink::AgentLink() : QObject(nullptr), m_pingTimer(this)
{
    m_pingTimer.setInterval(kPingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket && m_socket->state() == protocol::MessageSocket::State::Ready)
            m_socket->ping();
        if (m_pingBurst > 0 && --m_pingBurst == 0)
            m_pingTimer.setInterval(kPingIntervalMs);
    });
}

AgentLink::~AgentLink()
{
    stopAll(Deletion::Now);
}

QThread *AgentLink::socketThread() const
{
    return m_socket ? m_socket->thread() : nullptr;
}

void AgentLink::start(const LinkPlan &plan)
{
    m_plan = plan;
    m_connector = m_plan.makeConnector();
    AgentConnector *c = m_connector.get();
    connect(c, &AgentConnector::phaseChanged, this, &AgentLink::phaseChanged);
    connect(c, &AgentConnector::listening, this, &AgentLink::listening);
    connect(c, &AgentConnector::connected, this, &AgentLink::onConnected);
    connect(c, &AgentConnector::failed, this, [this](ConnectionError error, const QString &message) {
        if (m_over)
            return;
        m_over = true;
        Q_EMIT connectionFailed(error, message);
        stopAll();
    });
    c->start(m_plan.sessionConfigJson);
}

void AgentLink::onConnected()
{
    std::optional<AgentConnection> connection = m_connector->takeConnection();
    if (!connection || m_over)
        return;
    m_socket = std::move(connection->socket);
    const protocol::SessionInfo info = connection->info;
    if (m_plan.dataPathOnly && !info.dataPath) {
        // An agent from before data-path mode ignores the key and would train.
        m_socket->close(QStringLiteral("the agent does not offer data-path mode"));
        m_over = true;
        Q_EMIT failed(
            QStringLiteral("This agent does not offer data-path mode: update it from this app's agent bundle."));
        stopAll();
        return;
    }
    protocol::MessageSocket *s = m_socket.get();
    // Same thread as the connector: connected before the socket can deliver another message.
    connect(s, &protocol::MessageSocket::messageReceived, this,
            [this](const protocol::Message &message, qint64, qint64 arrivalNs) { onMessage(message, arrivalNs); });
    connect(s, &protocol::MessageSocket::closed, this, &AgentLink::onClosed);
    connect(s, &protocol::MessageSocket::pongReceived, this, [this](qint64 t1, qint64 t2, qint64 t3, qint64 t4) {
        m_clock.addSample(t1, t2, t3, t4);
        Q_EMIT clockUpdated(m_clock);
    });
    connect(s, &protocol::MessageSocket::bytesWritten, this, [this](qint64 bytes) {
        m_bytesWritten += bytes;
        const qint64 now = protocol::monotonicNs();
        for (auto &[seq, flight] : m_inflight)
            if (flight.sendEndNs == 0 && m_bytesWritten >= flight.sendEndTarget)
                flight.sendEndNs = now;
        if (m_pending)
            pump();
    });
    m_pingBurst = kPingBurst;
    m_pingTimer.setInterval(kPingBurstIntervalMs);
    m_pingTimer.start();
    m_socket->ping();

    m_credits = info.credits;
    QJsonObject agent = QJsonDocument::fromJson(connection->sessionReadyJson).object();
    agent[QStringLiteral("software")] = m_socket->peerSoftware();
    const qint64 wallStartNs = protocol::monotonicNs();
    Q_EMIT agentReady(info, agent, wallStartNs);

    ProducerPlan producer = m_plan.producer;
    producer.queueCapacity = std::max(2, info.credits);
    m_producer = std::make_unique<BatchProducer>(m_plan.plan, producer);
    // Emitted on the producer's thread, delivered on this one.
    connect(m_producer.get(), &BatchProducer::itemReady, this, &AgentLink::pump);
    m_producer->start();
    emitCredits();
}

void AgentLink::noteIdle()
{
    if (m_paused && m_inflight.empty() && m_idleSinceNs == 0)
        m_idleSinceNs = protocol::monotonicNs();
}

void AgentLink::endIdle()
{
    if (m_idleSinceNs == 0)
        return;
    const qint64 start = m_idleSinceNs;
    m_idleSinceNs = 0;
    Q_EMIT pausedIdle(start, protocol::monotonicNs());
}

void AgentLink::setPaused(bool paused)
{
    m_paused = paused;
    if (paused)
        noteIdle();
    else
        endIdle();
    if (!paused) {
        pump();
        maybeFinish();
    }
}

void AgentLink::onMessage(const protocol::Message &message, qint64 arrivalNs)
{
    if (const auto *credit = std::get_if<protocol::Credit>(&message)) {
        m_credits += int(credit->grant);
        emitCredits();
        pump();
    } else if (const auto *step = std::get_if<protocol::StepMetrics>(&message)) {
        onStepMetrics(*step, arrivalNs);
    } else if (const auto *epoch = std::get_if<protocol::EpochMetrics>(&message)) {
        onEpochMetrics(*epoch);
    } else if (const auto *weights = std::get_if<protocol::Weights>(&message)) {
        onWeights(*weights);
    } else if (!std::holds_alternative<protocol::InferResult>(message)) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage,
                       QStringLiteral("the client does not expect %1")
                           .arg(QLatin1String(protocol::typeName(protocol::typeOf(message)))));
    }
}

void AgentLink::pump()
{
    if (!m_producer || !m_socket || m_paused || m_over || m_trainingDone)
        return;
    bool sent = false;
    while (true) {
        if (!m_pending)
            m_pending = m_producer->tryTake();
        if (!m_pending)
            break;
        ProducedItem &item = *m_pending;
        for (const SkippedFile &failure : item.failures)
            Q_EMIT sampleFailed(failure);
        item.failures.clear();
        if (item.kind == ProducedItem::Kind::Finished) {
            m_producerDone = true;
            m_pending.reset();
            maybeFinish();
            break;
        }
        if (item.kind == ProducedItem::Kind::EpochEnd) {
            ++m_openEpochEnds;
            m_socket->send(item.end);
        } else if (item.kind == ProducedItem::Kind::Batch) {
            if (m_credits <= 0)
                break; // the agent holds as many batches as it granted; wait for a Credit
            const qint64 unsent = m_socket->queuedBytes();
            if (unsent > 0 && unsent + item.encoded.size() > kMaxUnsentBytes)
                break; // the link is behind; bytesWritten pumps again
            --m_credits;
            InFlight flight;
            flight.record.seq = item.seq;
            flight.record.epoch = item.epoch;
            flight.record.split = item.split;
            flight.record.samples = item.samples;
            flight.record.wireBytes = item.encoded.size();
            flight.record.spans = std::move(item.spans);
            flight.sendStartNs = protocol::monotonicNs();
            flight.record.spans.push_back(
                {Stage::CreditWait, std::min(item.readyNs, flight.sendStartNs), flight.sendStartNs});
            m_bytesQueued += item.encoded.size();
            flight.sendEndTarget = m_bytesQueued;
            m_inflight.emplace(item.seq, std::move(flight));
            m_socket->sendEncoded(std::move(item.encoded));
            sent = true;
        }
        m_pending.reset();
    }
    if (sent)
        emitCredits();
}

void AgentLink::onStepMetrics(const protocol::StepMetrics &metrics, qint64 arrivalNs)
{
    auto it = m_inflight.find(metrics.seq);
    if (it == m_inflight.end()) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage,
                       QStringLiteral("metrics for batch %1, which is not in flight").arg(metrics.seq));
        return;
    }
    InFlight flight = std::move(it->second);
    m_inflight.erase(it);
    BatchRecord &record = flight.record;
    const qint64 sendEnd = flight.sendEndNs > 0 ? flight.sendEndNs : flight.sendStartNs;
    record.spans.push_back({Stage::Send, flight.sendStartNs, sendEnd});
    // The agent answers the first ping before it trains on the first batch, and the pong travels
    // ahead of that batch's metrics, so an estimate exists here.
    record.clockUncertaintyNs = m_clock.uncertaintyNs();
    qint64 receiveEnd = 0;
    for (const Span &span : metrics.spans) {
        Span local{span.stage, m_clock.toClientNs(span.startNs), m_clock.toClientNs(span.endNs)};
        if (span.stage == Stage::Receive)
            receiveEnd = local.endNs;
        record.spans.push_back(local);
    }
    if (receiveEnd > 0)
        record.spans.push_back({Stage::Network, sendEnd, std::max(sendEnd, receiveEnd)});
    const qint64 metricsSent = m_clock.toClientNs(metrics.sentAtNs);
    record.spans.push_back({Stage::MetricsReturn, std::min(metricsSent, arrivalNs), arrivalNs});
    std::sort(record.spans.begin(), record.spans.end(),
              [](const Span &a, const Span &b) { return a.startNs < b.startNs; });
    Q_EMIT batchTimed(record);
    if (metrics.split == protocol::Split::Train && !m_plan.dataPathOnly)
        Q_EMIT stepMetrics(StepPoint{metrics.seq, metrics.epoch, metrics.loss, metrics.learningRate,
                                     metrics.samplesPerSecond, arrivalNs});
    m_samplesDone += metrics.count;
    Q_EMIT progressed(m_samplesDone, int(metrics.epoch));
    emitCredits();
    noteIdle();
    pump();
    maybeFinish();
}

void AgentLink::onEpochMetrics(const protocol::EpochMetrics &metrics)
{
    m_openEpochEnds = std::max(0, m_openEpochEnds - 1);
    if (!m_plan.dataPathOnly) // nothing was trained: the loss and accuracy mean nothing
        Q_EMIT epochMetrics(
            EpochPoint{metrics.epoch, metrics.split, metrics.meanLoss, metrics.accuracy, metrics.samples});
    maybeFinish();
}

void AgentLink::maybeFinish()
{
    if (!m_producerDone || !m_inflight.empty() || m_openEpochEnds > 0 || m_paused || m_over || m_trainingDone)
        return;
    m_trainingDone = true;
    Q_EMIT trainingDone(protocol::monotonicNs(), m_clock.offsetNs(), m_clock.uncertaintyNs());
    if (m_plan.weightsPath.isEmpty()) {
        m_over = true;
        stopAll();
        Q_EMIT finished();
        return;
    }
    m_weightsRequested = true;
    m_socket->send(protocol::WeightsRequest{});
}

void AgentLink::onWeights(const protocol::Weights &weights)
{
    if (!m_weightsRequested) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage, QStringLiteral("weights that were not requested"));
        return;
    }
    m_over = true;
    // A save that fails does not undo the training: the run still finishes, and the weights go
    // to the session, which can write them elsewhere.
    if (const QString error = WeightsFile::save(m_plan.weightsPath, weights.data); !error.isEmpty())
        Q_EMIT weightsNotSaved(m_plan.weightsPath, error, weights.data);
    else
        Q_EMIT weightsSaved(m_plan.weightsPath, weights.data.size());
    stopAll();
    Q_EMIT finished();
}

void AgentLink::onClosed(ConnectionError error, const QString &message)
{
    if (m_over)
        return;
    m_over = true;
    // A local agent that died closes its socket first: ask its connector how the process ended
    // (this thread may wait for it; the GUI thread never does).
    QString log;
    const QString exit = m_connector ? m_connector->agentExit(2000, &log) : QString();
    if (!exit.isEmpty()) {
        stopAll();
        Q_EMIT agentQuit(exit, log);
        return;
    }
    const QString text = error == ConnectionError::None
                             ? tr("The agent ended the session before training finished: %1").arg(message)
                             : describeConnectionError(error, message);
    stopAll();
    Q_EMIT connectionFailed(error, text);
}

void AgentLink::shutdown(const QString &reason)
{
    m_over = true;
    if (m_socket && m_socket->state() == protocol::MessageSocket::State::Ready)
        m_socket->close(reason);
    stopAll(Deletion::Now);
}

void AgentLink::emitCredits()
{
    Q_EMIT creditsChanged(m_credits, int(m_inflight.size()));
}

void AgentLink::stopAll(Deletion deletion)
{
    m_pingTimer.stop();
    if (m_producer) {
        m_producer->disconnect(this);
        m_producer->cancel();
        m_producer.reset();
    }
    m_pending.reset();
    if (m_socket) {
        m_socket->disconnect(this);
        if (m_socket->state() == protocol::MessageSocket::State::Ready)
            m_socket->close(m_trainingDone ? QStringLiteral("training finished") : QStringLiteral("stopped"));
        if (deletion == Deletion::Now)
            m_socket.reset();
        else
            m_socket.release()->deleteLater();
    }
    if (m_connector) {
        m_connector->disconnect(this);
        // Deleting a LocalAgentConnector stops the agent it started.
        if (deletion == Deletion::Now)
            m_connector.reset();
        else
            m_connector.release()->deleteLater();
    }
}

} // namespace tandem
