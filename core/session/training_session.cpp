#include "training_session.h"

#include "dataset/dataset_scanner.h"
#include "transport/local_agent_launcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcSession, "tandem.session")

namespace tandem {

namespace {
using protocol::ConnectionError;
using protocol::Span;
using protocol::Stage;

constexpr int kPingIntervalMs = 1000;
constexpr int kPingBurstIntervalMs = 50;
constexpr int kPingBurst = 8; // a quick first clock estimate before the first batches return

QString describe(ConnectionError error, const QString &message)
{
    switch (error) {
    case ConnectionError::WrongSecret:
        return QStringLiteral("The agent refused the secret: check that both sides use the same one. (%1)")
            .arg(message);
    case ConnectionError::PeerUnauthenticated:
        return QStringLiteral("The agent could not prove it knows the secret; it may not be your agent. (%1)")
            .arg(message);
    case ConnectionError::IncompatibleVersion:
        return QStringLiteral("The agent speaks another protocol version: update it from this app's agent bundle. (%1)")
            .arg(message);
    case ConnectionError::Refused: return QStringLiteral("Could not reach the agent: %1").arg(message);
    case ConnectionError::Dropped: return QStringLiteral("The connection to the agent dropped: %1").arg(message);
    case ConnectionError::Timeout: return QStringLiteral("The agent stopped answering: %1").arg(message);
    case ConnectionError::Malformed:
    case ConnectionError::Unexpected: return QStringLiteral("Protocol error: %1").arg(message);
    case ConnectionError::PeerError: return QStringLiteral("The agent reported an error: %1").arg(message);
    case ConnectionError::None: break;
    }
    return message;
}
} // namespace

TrainingSession::TrainingSession(QObject *parent) : QObject(parent)
{
    m_pingTimer.setInterval(kPingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket && m_socket->state() == protocol::MessageSocket::State::Ready)
            m_socket->ping();
        if (m_pingBurst > 0 && --m_pingBurst == 0)
            m_pingTimer.setInterval(kPingIntervalMs);
    });
}

TrainingSession::~TrainingSession()
{
    teardown();
}

QString TrainingSession::stateName(State state)
{
    switch (state) {
    case State::Idle: return tr("Idle");
    case State::Indexing: return tr("Indexing dataset");
    case State::StartingAgent: return tr("Starting local agent");
    case State::WaitingForAgent: return tr("Waiting for the agent to dial in");
    case State::Connecting: return tr("Connecting");
    case State::Configuring: return tr("Configuring");
    case State::Training: return tr("Training");
    case State::Paused: return tr("Paused");
    case State::Finishing: return tr("Fetching weights");
    case State::Finished: return tr("Finished");
    case State::Failed: return tr("Failed");
    case State::Stopped: return tr("Stopped");
    }
    return {};
}

bool TrainingSession::isActive() const
{
    return m_state != State::Idle && m_state != State::Finished && m_state != State::Failed &&
           m_state != State::Stopped;
}

QUrl TrainingSession::listenUrl() const
{
    if (!m_server || !m_server->isListening())
        return {};
    return m_server->serverUrl();
}

void TrainingSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void TrainingSession::start(const TrainingOptions &options)
{
    if (isActive())
        return;
    m_options = options;
    setState(State::Indexing);
    Q_EMIT statusMessage(tr("Indexing %1…").arg(QDir::toNativeSeparators(options.datasetRoot)));
    // The app's own indexing path (DatasetScanner), off this thread.
    auto *scanner = new DatasetScanner(this);
    connect(scanner, &DatasetScanner::finished, this, [this, scanner](const DatasetIndex &index) {
        scanner->deleteLater();
        if (m_state != State::Indexing)
            return;            // stopped meanwhile
        m_state = State::Idle; // start() below moves on from here
        start(m_options, index);
    });
    scanner->scan(options.datasetRoot, options.index);
}

void TrainingSession::start(const TrainingOptions &options, DatasetIndex index)
{
    if (isActive())
        return;
    teardown();
    m_options = options;
    m_index = std::move(index);
    m_record = RunRecord{};
    m_inflight.clear();
    m_pending.reset();
    m_agentInfo.reset();
    m_clock = ClockOffsetEstimator{};
    m_credits = 0;
    m_openEpochEnds = 0;
    m_producerDone = false;
    m_weightsRequested = false;
    m_bytesQueued = m_bytesWritten = 0;
    m_samplesDone = 0;
    m_lastError.clear();

    if (!m_index.error().isEmpty()) {
        fail(m_index.error());
        return;
    }
    for (const SkippedFile &skipped : m_index.skipped())
        Q_EMIT sampleFailed(skipped);
    m_plan = std::make_shared<EpochPlan>(m_index, m_options.batchSize, m_options.seed);
    if (m_plan->sampleCount(SampleSplit::Train) == 0) {
        fail(tr("The dataset at %1 has no usable training images.").arg(m_options.datasetRoot));
        return;
    }
    if (m_index.classNames().size() < 2) {
        fail(tr("The dataset at %1 has %2 class folder(s); a classifier needs at least two.")
                 .arg(m_options.datasetRoot)
                 .arg(m_index.classNames().size()));
        return;
    }
    m_samplesTotal =
        qint64(m_options.epochs) * (m_plan->sampleCount(SampleSplit::Train) + m_plan->sampleCount(SampleSplit::Val));
    m_record.title = QFileInfo(m_options.datasetRoot).fileName();
    m_record.startedAt = QDateTime::currentDateTime();
    m_record.settings = settingsJson();
    beginConnection();
}

void TrainingSession::beginConnection()
{
    switch (m_options.agentMode) {
    case AgentMode::Local: {
        setState(State::StartingAgent);
        Q_EMIT statusMessage(tr("Starting the local agent…"));
        m_launcher = std::make_unique<LocalAgentLauncher>();
        connect(m_launcher.get(), &LocalAgentLauncher::started, this,
                [this](const QUrl &url, const QByteArray &secret) { openSocket(url, secret); });
        connect(m_launcher.get(), &LocalAgentLauncher::failed, this, [this](const QString &message) {
            if (isActive())
                fail(message);
        });
        connect(m_launcher.get(), &LocalAgentLauncher::agentOutput, this,
                [](const QString &line) { qCInfo(lcSession).noquote() << "agent:" << line; });
        QStringList extra{QStringLiteral("--device"), m_options.device, QStringLiteral("--once")};
        m_launcher->start(m_options.agentProgram, extra);
        break;
    }
    case AgentMode::Dial:
        if (m_options.secret.isEmpty()) {
            fail(tr("A secret is needed to connect to a remote agent."));
            return;
        }
        openSocket(m_options.agentUrl, m_options.secret);
        break;
    case AgentMode::Listen: {
        if (m_options.secret.isEmpty()) {
            fail(tr("A secret is needed before an agent can dial in."));
            return;
        }
        m_server = std::make_unique<QWebSocketServer>(QStringLiteral("tandem"), QWebSocketServer::NonSecureMode);
        if (!m_server->listen(QHostAddress(m_options.listenHost), m_options.listenPort)) {
            fail(tr("Cannot listen on %1:%2: %3")
                     .arg(m_options.listenHost)
                     .arg(m_options.listenPort)
                     .arg(m_server->errorString()));
            return;
        }
        connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *incoming = m_server->nextPendingConnection()) {
                if (m_socket) { // one agent per run
                    incoming->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("busy"));
                    incoming->deleteLater();
                    continue;
                }
                auto socket = std::make_unique<protocol::MessageSocket>(protocol::Role::Client, m_options.secret);
                socket->attach(incoming);
                adoptSocket(std::move(socket));
                setState(State::Connecting);
            }
        });
        setState(State::WaitingForAgent);
        Q_EMIT statusMessage(tr("Waiting for the agent to dial %1").arg(listenUrl().toString()));
        break;
    }
    }
}

void TrainingSession::openSocket(const QUrl &url, const QByteArray &secret)
{
    setState(State::Connecting);
    Q_EMIT statusMessage(tr("Connecting to %1…").arg(url.toString()));
    auto socket = std::make_unique<protocol::MessageSocket>(protocol::Role::Client, secret);
    protocol::MessageSocket *raw = socket.get();
    adoptSocket(std::move(socket));
    raw->open(url);
}

void TrainingSession::adoptSocket(std::unique_ptr<protocol::MessageSocket> socket)
{
    m_socket = std::move(socket);
    protocol::MessageSocket *s = m_socket.get();
    connect(s, &protocol::MessageSocket::ready, this, &TrainingSession::onReady);
    connect(s, &protocol::MessageSocket::messageReceived, this, &TrainingSession::onMessage);
    connect(s, &protocol::MessageSocket::closed, this, &TrainingSession::onClosed);
    connect(s, &protocol::MessageSocket::pongReceived, this, [this](qint64 t1, qint64 t2, qint64 t3, qint64 t4) {
        m_clock.addSample(t1, t2, t3, t4);
        Q_EMIT clockUpdated(m_clock.offsetNs(), m_clock.roundTripNs());
    });
    connect(s, &protocol::MessageSocket::bytesWritten, this, [this](qint64 bytes) {
        m_bytesWritten += bytes;
        const qint64 now = protocol::monotonicNs();
        for (auto &[seq, flight] : m_inflight)
            if (flight.sendEndNs == 0 && m_bytesWritten >= flight.sendEndTarget)
                flight.sendEndNs = now;
    });
}

protocol::SessionConfig TrainingSession::sessionConfig() const
{
    protocol::SessionConfig c;
    c.model = m_options.model;
    c.classNames = m_index.classNames();
    const PreprocessOptions &p = m_options.preprocess;
    c.channels = p.channels();
    c.height = p.height;
    c.width = p.width;
    c.batchSize = m_options.batchSize;
    c.epochs = m_options.epochs;
    c.optimizer = m_options.optimizer;
    c.learningRate = m_options.learningRate;
    c.momentum = m_options.momentum;
    c.weightDecay = m_options.weightDecay;
    c.seed = m_options.seed;
    if (c.channels == 1) {
        c.mean = {0.5, 0.5, 0.5};
        c.std = {0.5, 0.5, 0.5};
    }
    c.device = m_options.device;
    c.precision = m_options.precision;
    c.stepsPerEpoch = m_plan->batchCount(SampleSplit::Train);
    return c;
}

QJsonObject TrainingSession::settingsJson() const
{
    QJsonObject o;
    o[QStringLiteral("dataset")] = QDir::toNativeSeparators(m_options.datasetRoot);
    o[QStringLiteral("classes")] = QJsonArray::fromStringList(m_index.classNames());
    o[QStringLiteral("trainSamples")] = double(m_plan ? m_plan->sampleCount(SampleSplit::Train) : 0);
    o[QStringLiteral("valSamples")] = double(m_plan ? m_plan->sampleCount(SampleSplit::Val) : 0);
    o[QStringLiteral("skippedFiles")] = int(m_index.skipped().size());
    o[QStringLiteral("preprocessing")] = m_options.preprocess.toJson();
    o[QStringLiteral("preprocessThreads")] = m_options.threads > 0 ? m_options.threads : QThread::idealThreadCount();
    o[QStringLiteral("session")] = QJsonDocument::fromJson(m_plan ? sessionConfig().toJson() : QByteArray()).object();
    const char *modes[] = {"local", "dial", "listen"};
    o[QStringLiteral("agentMode")] = QLatin1String(modes[int(m_options.agentMode)]);
    if (m_options.agentMode == AgentMode::Dial)
        o[QStringLiteral("agentUrl")] = m_options.agentUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    return o;
}

void TrainingSession::onReady()
{
    setState(State::Configuring);
    Q_EMIT statusMessage(tr("Connected to %1; configuring the session…").arg(m_socket->peerSoftware()));
    m_pingBurst = kPingBurst;
    m_pingTimer.setInterval(kPingBurstIntervalMs);
    m_pingTimer.start();
    m_socket->ping();
    m_socket->send(protocol::SessionConfigMessage{sessionConfig().toJson()});
}

void TrainingSession::onMessage(const protocol::Message &message, qint64 firstByteNs, qint64 arrivalNs)
{
    Q_UNUSED(firstByteNs)
    if (const auto *ready = std::get_if<protocol::SessionReady>(&message))
        onSessionReady(*ready);
    else if (const auto *credit = std::get_if<protocol::Credit>(&message)) {
        m_credits += int(credit->grant);
        pump();
    } else if (const auto *step = std::get_if<protocol::StepMetrics>(&message))
        onStepMetrics(*step, arrivalNs);
    else if (const auto *epoch = std::get_if<protocol::EpochMetrics>(&message))
        onEpochMetrics(*epoch);
    else if (const auto *weights = std::get_if<protocol::Weights>(&message))
        onWeights(*weights);
    else if (!std::holds_alternative<protocol::InferResult>(message))
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage,
                       QStringLiteral("the client does not expect %1")
                           .arg(QLatin1String(protocol::typeName(protocol::typeOf(message)))));
}

void TrainingSession::onSessionReady(const protocol::SessionReady &ready)
{
    if (m_state != State::Configuring) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage, QStringLiteral("SessionReady outside configuration"));
        return;
    }
    QString error;
    auto info = protocol::SessionInfo::fromJson(ready.json, &error);
    if (!info) {
        m_socket->fail(protocol::ErrorCode::MalformedMessage, error);
        return;
    }
    m_agentInfo = info;
    m_credits = info->credits;
    m_record.title =
        QStringLiteral("%1 · %2 on %3").arg(QFileInfo(m_options.datasetRoot).fileName(), info->model, info->device);
    QJsonObject agent = QJsonDocument::fromJson(ready.json).object();
    agent[QStringLiteral("software")] = m_socket->peerSoftware();
    m_record.settings[QStringLiteral("agent")] = agent;
    Q_EMIT agentReady(*info);
    Q_EMIT statusMessage(tr("Training %1 on %2").arg(info->model, info->device));
    if (!info->note.isEmpty())
        Q_EMIT statusMessage(info->note);

    ProducerPlan plan;
    plan.epochs = m_options.epochs;
    plan.train = m_options.preprocess;
    plan.val = m_options.validationPreprocess();
    plan.seed = m_options.seed;
    plan.threads = m_options.threads;
    plan.queueCapacity = std::max(2, info->credits);
    m_producer = std::make_unique<BatchProducer>(m_plan, plan);
    connect(m_producer.get(), &BatchProducer::itemReady, this, &TrainingSession::pump);
    m_record.wallStartNs = protocol::monotonicNs();
    setState(State::Training);
    m_producer->start();
    Q_EMIT progress(0, m_samplesTotal, 0, m_options.epochs);
}

void TrainingSession::pump()
{
    if (!m_producer || !m_socket || (m_state != State::Training))
        return;
    while (true) {
        if (!m_pending)
            m_pending = m_producer->tryTake();
        if (!m_pending)
            return;
        ProducedItem &item = *m_pending;
        for (const SkippedFile &failure : item.failures)
            Q_EMIT sampleFailed(failure);
        item.failures.clear();
        switch (item.kind) {
        case ProducedItem::Kind::Skipped: break;
        case ProducedItem::Kind::Finished:
            m_producerDone = true;
            m_pending.reset();
            maybeFinish();
            return;
        case ProducedItem::Kind::EpochEnd:
            ++m_openEpochEnds;
            m_socket->send(item.end);
            break;
        case ProducedItem::Kind::Batch: {
            if (m_credits <= 0)
                return; // the agent holds as many batches as it granted; wait for a Credit
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
            break;
        }
        }
        m_pending.reset();
    }
}

void TrainingSession::onStepMetrics(const protocol::StepMetrics &metrics, qint64 arrivalNs)
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
    m_record.batches.push_back(record);
    Q_EMIT batchTimed(record);

    if (metrics.split == protocol::Split::Train) {
        StepPoint point{metrics.seq, metrics.epoch, metrics.loss, metrics.learningRate, metrics.samplesPerSecond,
                        arrivalNs};
        m_record.steps.push_back(point);
        Q_EMIT stepMetrics(point);
    }
    m_samplesDone += metrics.count;
    Q_EMIT progress(m_samplesDone, m_samplesTotal, int(metrics.epoch), m_options.epochs);
    pump();
    maybeFinish();
}

void TrainingSession::onEpochMetrics(const protocol::EpochMetrics &metrics)
{
    m_openEpochEnds = std::max(0, m_openEpochEnds - 1);
    EpochPoint point{metrics.epoch, metrics.split, metrics.meanLoss, metrics.accuracy, metrics.samples};
    m_record.epochs.push_back(point);
    Q_EMIT epochMetrics(point);
    maybeFinish();
}

void TrainingSession::maybeFinish()
{
    if (!m_producerDone || !m_inflight.empty() || m_openEpochEnds > 0 || m_state != State::Training)
        return;
    m_record.wallEndNs = protocol::monotonicNs();
    m_record.clockOffsetNs = m_clock.offsetNs();
    m_record.clockUncertaintyNs = m_clock.uncertaintyNs();
    if (m_options.weightsPath.isEmpty()) {
        complete();
        return;
    }
    setState(State::Finishing);
    Q_EMIT statusMessage(tr("Training done; fetching the weights…"));
    m_weightsRequested = true;
    m_socket->send(protocol::WeightsRequest{});
}

void TrainingSession::onWeights(const protocol::Weights &weights)
{
    if (!m_weightsRequested) {
        m_socket->fail(protocol::ErrorCode::UnexpectedMessage, QStringLiteral("weights that were not requested"));
        return;
    }
    QSaveFile file(m_options.weightsPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(weights.data) != weights.data.size() || !file.commit()) {
        fail(tr("Could not save the weights to %1: %2").arg(m_options.weightsPath, file.errorString()));
        return;
    }
    Q_EMIT weightsSaved(m_options.weightsPath, weights.data.size());
    complete();
}

void TrainingSession::complete()
{
    m_pingTimer.stop();
    // Finished before closing: close() reports the closed socket at once, and onClosed() must see
    // a finished run, not an agent that left early.
    setState(State::Finished);
    if (m_socket)
        m_socket->close(QStringLiteral("training finished"));
    const TimingSummary s = summary();
    const QString message =
        tr("Finished %1 epochs: %2 samples/s").arg(m_options.epochs).arg(s.samplesPerSecond, 0, 'f', 1);
    teardown();
    Q_EMIT finished(true, message);
}

void TrainingSession::pause()
{
    if (m_state != State::Training)
        return;
    setState(State::Paused);
    Q_EMIT statusMessage(tr("Paused: no new batches are sent; the agent finishes those it holds."));
}

void TrainingSession::resume()
{
    if (m_state != State::Paused)
        return;
    setState(State::Training);
    pump();
    maybeFinish();
}

void TrainingSession::stop()
{
    if (!isActive())
        return;
    if (m_record.wallStartNs > 0 && m_record.wallEndNs == 0)
        m_record.wallEndNs = protocol::monotonicNs();
    setState(State::Stopped); // first: closing reports back through onClosed()
    if (m_socket && m_socket->state() == protocol::MessageSocket::State::Ready)
        m_socket->close(QStringLiteral("stopped by the user"));
    teardown();
    Q_EMIT finished(false, tr("Stopped."));
}

void TrainingSession::onClosed(ConnectionError error, const QString &message)
{
    if (!isActive())
        return;
    if (error == ConnectionError::None && m_state == State::Finished)
        return;
    const QString text = error == ConnectionError::None
                             ? tr("The agent ended the session before training finished: %1").arg(message)
                             : describe(error, message);
    Q_EMIT connectionFailed(error, text);
    fail(text);
}

void TrainingSession::fail(const QString &message)
{
    m_lastError = message;
    qCWarning(lcSession).noquote() << message;
    if (m_record.wallStartNs > 0 && m_record.wallEndNs == 0)
        m_record.wallEndNs = protocol::monotonicNs();
    setState(State::Failed);
    teardown();
    Q_EMIT finished(false, message);
}

void TrainingSession::teardown()
{
    m_pingTimer.stop();
    if (m_producer) {
        m_producer->cancel();
        m_producer.reset();
    }
    m_pending.reset();
    if (m_socket) {
        m_socket->disconnect(this);
        // Deleting it here could be inside one of its own signals: let the event loop do it.
        m_socket.release()->deleteLater();
    }
    // The server may be inside a signal of a socket it accepted: delete it from the event loop.
    if (m_server) {
        m_server->close();
        m_server.release()->deleteLater();
    }
    if (m_launcher) {
        m_launcher->disconnect(this);
        m_launcher->stop();
        m_launcher.reset();
    }
}

} // namespace tandem
