#include "training_session.h"

#include "agent_link.h"
#include "dataset/dataset_scanner.h"
#include "jobs/background_job.h"
#include "run_settings.h"
#include "transport/dial_agent_connector.h"
#include "transport/listen_agent_connector.h"
#include "transport/local_agent_connector.h"
#include "weights_file.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSession, "tandem.session")

namespace tandem {

namespace {

// Runs on the link's thread: the connector and the socket it makes are born there.
std::function<std::unique_ptr<AgentConnector>()> connectorFor(const TrainingOptions &o)
{
    return [o]() -> std::unique_ptr<AgentConnector> {
        switch (o.agentMode) {
        case AgentMode::Local:
            return std::make_unique<LocalAgentConnector>(
                o.agentProgram, QStringList{QStringLiteral("--device"), o.device, QStringLiteral("--once")});
        case AgentMode::Dial: return std::make_unique<DialAgentConnector>(o.agentUrl, o.secret);
        case AgentMode::Listen: return std::make_unique<ListenAgentConnector>(o.listenHost, o.listenPort, o.secret);
        }
        return nullptr;
    };
}

} // namespace

TrainingSession::TrainingSession(QObject *parent) : QObject(parent), m_weightsJob(new BackgroundJob(this)) {}

TrainingSession::~TrainingSession()
{
    teardown(QStringLiteral("the app is closing"));
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

void TrainingSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state == State::Training)
        m_trainingBegan = true;
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
    teardown(QString());
    m_options = options;
    m_index = std::move(index);
    m_record = RunRecord{};
    m_unsavedWeights.clear();
    m_weightsError.clear();
    m_lastAgentLog.clear();
    m_trainingBegan = false;
    m_divergence.reset();
    m_agentInfo.reset();
    m_clock = ClockOffsetEstimator{};
    m_listenUrl.clear();
    m_credits = 0;
    m_inflight = 0;
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
    if (m_options.agentMode != AgentMode::Local && m_options.secret.isEmpty()) {
        fail(m_options.agentMode == AgentMode::Dial ? tr("A secret is needed to connect to a remote agent.")
                                                    : tr("A secret is needed before an agent can dial in."));
        return;
    }
    m_samplesTotal =
        qint64(m_options.epochs) * (m_plan->sampleCount(SampleSplit::Train) + m_plan->sampleCount(SampleSplit::Val));
    m_record.title = QFileInfo(m_options.datasetRoot).fileName();
    m_record.startedAt = QDateTime::currentDateTime();
    m_record.outcome = RunOutcome::Running;
    m_record.settings = RunSettings::json(m_options, m_index, m_plan.get());
    startLink();
}

void TrainingSession::startLink()
{
    setState(m_options.agentMode == AgentMode::Local ? State::StartingAgent : State::Connecting);

    LinkPlan plan;
    plan.makeConnector = connectorFor(m_options);
    plan.sessionConfigJson = RunSettings::sessionConfig(m_options, m_index, *m_plan).toJson();
    plan.dataPathOnly = m_options.dataPathOnly;
    plan.plan = m_plan;
    plan.producer.epochs = m_options.epochs;
    plan.producer.train = m_options.preprocess;
    plan.producer.val = m_options.validationPreprocess();
    plan.producer.seed = m_options.seed;
    plan.producer.threads = m_options.threads;
    plan.weightsPath = m_options.weightsPath;

    m_linkThread = std::make_unique<QThread>();
    m_linkThread->setObjectName(QStringLiteral("tandem-link"));
    m_link = new AgentLink; // parentless: it moves to its thread and is deleted there
    m_link->moveToThread(m_linkThread.get());
    connect(m_linkThread.get(), &QThread::finished, m_link, &QObject::deleteLater);

    // Every connection below is queued: the link emits on its own thread.
    AgentLink *link = m_link;
    connect(link, &AgentLink::phaseChanged, this, &TrainingSession::onPhase);
    connect(link, &AgentLink::listening, this, [this](const QUrl &url) { m_listenUrl = url; });
    connect(link, &AgentLink::agentReady, this, &TrainingSession::onAgentReady);
    connect(link, &AgentLink::batchTimed, this, &TrainingSession::onBatchTimed);
    connect(link, &AgentLink::stepMetrics, this, [this](const StepPoint &point) {
        m_record.steps.push_back(point);
        Q_EMIT stepMetrics(point);
        const QString divergence = m_divergence.add(double(point.loss), qint64(m_record.steps.size()));
        if (!divergence.isEmpty() && m_state == State::Training) {
            pause();
            const QString message = tr("Training paused: %1. The learning rate may be too high. Resume to go on "
                                       "anyway, or Stop and start again with other settings.")
                                        .arg(divergence);
            Q_EMIT statusMessage(message);
            Q_EMIT diverged(message);
        }
    });
    connect(link, &AgentLink::epochMetrics, this, [this](const EpochPoint &point) {
        m_record.epochs.push_back(point);
        Q_EMIT epochMetrics(point);
    });
    connect(link, &AgentLink::sampleFailed, this, &TrainingSession::sampleFailed);
    connect(link, &AgentLink::progressed, this, [this](qint64 done, int epoch) {
        m_samplesDone = done;
        Q_EMIT progress(done, m_samplesTotal, epoch, m_options.epochs);
    });
    connect(link, &AgentLink::clockUpdated, this, [this](const ClockOffsetEstimator &clock) {
        m_clock = clock;
        Q_EMIT clockUpdated(m_clock.offsetNs(), m_clock.roundTripNs());
    });
    connect(link, &AgentLink::creditsChanged, this, [this](int available, int inFlight) {
        m_credits = available;
        m_inflight = inFlight;
    });
    connect(link, &AgentLink::trainingDone, this, &TrainingSession::onTrainingDone);
    connect(link, &AgentLink::weightsSaved, this, &TrainingSession::weightsSaved);
    connect(link, &AgentLink::weightsNotSaved, this,
            [this](const QString &path, const QString &error, const QByteArray &data) {
                m_unsavedWeights = data;
                m_weightsError = error;
                Q_EMIT weightsNotSaved(path, error);
            });
    connect(link, &AgentLink::finished, this, &TrainingSession::complete);
    connect(link, &AgentLink::connectionFailed, this, [this](protocol::ConnectionError error, const QString &message) {
        if (!isActive())
            return;
        Q_EMIT connectionFailed(error, message);
        fail(message);
    });
    connect(link, &AgentLink::pausedIdle, this,
            [this](qint64 startNs, qint64 endNs) { m_record.pauses.emplace_back(startNs, endNs); });
    connect(link, &AgentLink::agentQuit, this, [this](const QString &message, const QString &log) {
        if (!isActive())
            return;
        m_lastAgentLog = log;
        QString text = message;
        text[0] = text[0].toUpper();
        if (m_trainingBegan)
            text = tr("Stopped: %1. What was measured until then is kept.").arg(message);
        Q_EMIT agentQuit(text, log);
        fail(text);
    });
    connect(link, &AgentLink::failed, this, [this](const QString &message) {
        if (isActive())
            fail(message);
    });

    m_linkThread->start();
    QMetaObject::invokeMethod(
        link, [link, plan] { link->start(plan); }, Qt::QueuedConnection);
}

void TrainingSession::onPhase(AgentConnector::Phase phase, const QString &message)
{
    if (!isActive())
        return;
    switch (phase) {
    case AgentConnector::Phase::StartingAgent: setState(State::StartingAgent); break;
    case AgentConnector::Phase::WaitingForAgent: setState(State::WaitingForAgent); break;
    case AgentConnector::Phase::Connecting: setState(State::Connecting); break;
    case AgentConnector::Phase::Configuring: setState(State::Configuring); break;
    }
    Q_EMIT statusMessage(message);
}

void TrainingSession::onAgentReady(const protocol::SessionInfo &info, const QJsonObject &agentSettings,
                                   qint64 wallStartNs)
{
    if (!isActive())
        return;
    m_agentInfo = info;
    m_credits = info.credits;
    m_record.title =
        QStringLiteral("%1 · %2 on %3").arg(QFileInfo(m_options.datasetRoot).fileName(), info.model, info.device);
    m_record.settings[QStringLiteral("agent")] = agentSettings;
    m_record.wallStartNs = wallStartNs;
    Q_EMIT agentReady(info);
    Q_EMIT statusMessage(tr("Training %1 on %2").arg(info.model, info.device));
    if (!info.note.isEmpty())
        Q_EMIT statusMessage(info.note);
    setState(State::Training);
    Q_EMIT progress(0, m_samplesTotal, 0, m_options.epochs);
}

void TrainingSession::onBatchTimed(const BatchRecord &record)
{
    m_record.batches.push_back(record);
    m_record.clockUncertaintyNs = std::max(m_record.clockUncertaintyNs, record.clockUncertaintyNs);
    Q_EMIT batchTimed(record);
}

void TrainingSession::onTrainingDone(qint64 wallEndNs, qint64 clockOffsetNs, qint64 clockUncertaintyNs)
{
    if (!isActive())
        return;
    m_record.wallEndNs = wallEndNs;
    m_record.clockOffsetNs = clockOffsetNs;
    // Every batch was mapped with the estimate of its own time; the run's bound is the widest.
    m_record.clockUncertaintyNs = std::max(m_record.clockUncertaintyNs, clockUncertaintyNs);
    if (!m_options.weightsPath.isEmpty()) {
        setState(State::Finishing);
        Q_EMIT statusMessage(tr("Training done; fetching the weights…"));
    }
}

void TrainingSession::complete()
{
    if (!isActive())
        return;
    setState(State::Finished);
    teardown(QStringLiteral("training finished"));
    const TimingSummary s = summary();
    QString message = tr("Finished %1 epochs: %2 samples/s").arg(m_options.epochs).arg(s.samplesPerSecond, 0, 'f', 1);
    if (hasUnsavedWeights())
        message += tr("; the weights were not saved (%1)").arg(m_weightsError);
    m_record.outcome = RunOutcome::Finished;
    m_record.outcomeMessage = message;
    Q_EMIT finished(true, message);
}

void TrainingSession::saveWeightsAs(const QString &path)
{
    if (!hasUnsavedWeights() || m_weightsJob->isRunning())
        return;
    m_weightsJob->start(
        [this, path, data = m_unsavedWeights](const std::atomic<bool> &, const BackgroundJob::Progress &) {
            const QString error = WeightsFile::save(path, data);
            return BackgroundJob::Finish([this, path, error, bytes = data.size()] {
                if (!error.isEmpty()) {
                    Q_EMIT weightsNotSaved(path, error);
                    return;
                }
                m_unsavedWeights.clear();
                m_weightsError.clear();
                Q_EMIT weightsSaved(path, bytes);
            });
        });
}

void TrainingSession::pause()
{
    if (m_state != State::Training)
        return;
    setState(State::Paused);
    QMetaObject::invokeMethod(
        m_link, [link = m_link] { link->setPaused(true); }, Qt::QueuedConnection);
    Q_EMIT statusMessage(tr("Paused: no new batches are sent; the agent finishes those it holds."));
}

void TrainingSession::resume()
{
    if (m_state == State::Paused && m_divergence.hasReported())
        m_divergence.acknowledge(); // the user saw it and goes on: watch from here
    if (m_state != State::Paused)
        return;
    setState(State::Training);
    QMetaObject::invokeMethod(
        m_link, [link = m_link] { link->setPaused(false); }, Qt::QueuedConnection);
}

void TrainingSession::stop()
{
    if (!isActive())
        return;
    if (m_record.wallStartNs > 0 && m_record.wallEndNs == 0)
        m_record.wallEndNs = protocol::monotonicNs();
    m_record.outcome = RunOutcome::Stopped;
    m_record.outcomeMessage = tr("Stopped.");
    setState(State::Stopped);
    teardown(QStringLiteral("stopped by the user"));
    Q_EMIT finished(false, m_record.outcomeMessage);
}

void TrainingSession::fail(const QString &message)
{
    m_lastError = message;
    qCWarning(lcSession).noquote() << message;
    if (m_record.wallStartNs > 0 && m_record.wallEndNs == 0)
        m_record.wallEndNs = protocol::monotonicNs();
    m_record.outcome = RunOutcome::Failed;
    m_record.outcomeMessage = message;
    setState(State::Failed);
    teardown(message);
    Q_EMIT finished(false, message);
}

void TrainingSession::teardown(const QString &reason)
{
    if (!m_linkThread)
        return;
    AgentLink *link = m_link;
    // Stopped (or failed) while paused: the idle time until now is no active time either.
    qint64 idleSinceNs = 0;
    QMetaObject::invokeMethod(
        link, [link, &idleSinceNs] { idleSinceNs = link->idleSinceNs(); }, Qt::BlockingQueuedConnection);
    if (idleSinceNs > 0)
        m_record.pauses.emplace_back(idleSinceNs, std::max(idleSinceNs, m_record.wallEndNs));
    link->disconnect(this);
    // The link says Goodbye and lets go of its socket on its own thread; it never waits for
    // this one, so blocking here cannot deadlock.
    QMetaObject::invokeMethod(
        link, [link, reason] { link->shutdown(reason.isEmpty() ? QStringLiteral("stopped") : reason); },
        Qt::BlockingQueuedConnection);
    m_linkThread->quit();
    m_linkThread->wait(); // its finished() deletes the link, the socket and the connector there
    m_linkThread.reset();
    m_link = nullptr;
}

} // namespace tandem
