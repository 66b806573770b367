// One training run from dataset to returned weights: it decides, the UI and the CLI only show.
#pragma once

#include "batch_producer.h"
#include "dataset/dataset_index.h"
#include "divergence_watch.h"
#include "epoch_plan.h"
#include "message_socket.h"
#include "session_config.h"
#include "timing/clock_offset_estimator.h"
#include "timing/run_record.h"
#include "timing/timing_summary.h"
#include "training_options.h"
#include "transport/agent_connector.h"

#include <QElapsedTimer>
#include <QByteArray>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace tandem {

class BackgroundJob;

class AgentLink;

// A thin state machine on the caller's (the GUI's) thread: the connection, the batches and the
// pump live in an AgentLink on a thread of its own, and only records and metric points come back.
class TrainingSession : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingSession)
public:
    enum class State {
        Idle,
        Indexing,
        StartingAgent,
        WaitingForAgent, // listening for the agent to dial in
        Connecting,
        Configuring,
        Training,
        Paused,
        Finishing, // all batches answered; fetching the weights
        Finished,
        Failed,
        Stopped,
    };
    Q_ENUM(State)

    explicit TrainingSession(QObject *parent = nullptr);
    ~TrainingSession() override;

    // Indexes options.datasetRoot off the calling thread, then connects and trains.
    void start(const TrainingOptions &options);
    // Trains on an index the caller already has (the UI's browser, a curated manifest).
    void start(const TrainingOptions &options, DatasetIndex index);
    void pause();
    void resume();
    void stop();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool isActive() const;
    [[nodiscard]] const RunRecord &record() const { return m_record; }
    // The run finished but its weights could not be written: they are kept here until written.
    [[nodiscard]] bool hasUnsavedWeights() const { return !m_unsavedWeights.isEmpty(); }
    // Writes the kept weights to path, on a worker; weightsSaved or weightsNotSaved follows.
    void saveWeightsAs(const QString &path);
    [[nodiscard]] TimingSummary summary() const { return TimingSummary::compute(m_record); }
    [[nodiscard]] const std::optional<protocol::SessionInfo> &agentInfo() const { return m_agentInfo; }
    [[nodiscard]] const ClockOffsetEstimator &clock() const { return m_clock; }
    [[nodiscard]] const DatasetIndex &index() const { return m_index; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    // The agent's last output when its process ended by itself (the local agent), else empty.
    [[nodiscard]] QString lastAgentLog() const { return m_lastAgentLog; }
    // Whether this run reached Training (a failure after that is not a failure to start).
    [[nodiscard]] bool trainingBegan() const { return m_trainingBegan; }
    [[nodiscard]] int creditsAvailable() const { return m_credits; }
    [[nodiscard]] int batchesInFlight() const { return m_inflight; }
    // Where the agent should dial in (Listen mode), once listening.
    [[nodiscard]] QUrl listenUrl() const { return m_listenUrl; }

    [[nodiscard]] static QString stateName(State state);

Q_SIGNALS:
    // The local agent's process ended by itself mid-run; message is for a person, log its last lines.
    void agentQuit(const QString &message, const QString &log);
    // The training loss diverged (NaN, inf, or ten times the first loss) and the run was paused;
    // message says so for a person. resume() goes on (watching again), stop() ends the run.
    void diverged(const QString &message);
    void stateChanged(tandem::TrainingSession::State state);
    void statusMessage(const QString &message);
    void progress(qint64 samplesDone, qint64 samplesTotal, int epoch, int epochs);
    void stepMetrics(const tandem::StepPoint &point);
    void epochMetrics(const tandem::EpochPoint &point);
    void batchTimed(const tandem::BatchRecord &record);
    void sampleFailed(const tandem::SkippedFile &file);
    void clockUpdated(qint64 offsetNs, qint64 roundTripNs);
    void agentReady(const tandem::protocol::SessionInfo &info);
    void connectionFailed(tandem::protocol::ConnectionError error, const QString &message);
    void weightsSaved(const QString &path, qint64 bytes);
    // Training finished, but the weights could not be written to path (the run stays Finished).
    void weightsNotSaved(const QString &path, const QString &error);
    // The run is over: ok when every epoch completed (and the weights were saved, if asked).
    void finished(bool ok, const QString &message);

private:
    void setState(State state);
    void startLink();
    void onPhase(AgentConnector::Phase phase, const QString &message);
    void onAgentReady(const protocol::SessionInfo &info, const QJsonObject &agentSettings, qint64 wallStartNs);
    void onBatchTimed(const BatchRecord &record);
    void onTrainingDone(qint64 wallEndNs, qint64 clockOffsetNs, qint64 clockUncertaintyNs);
    void complete();
    void fail(const QString &message);
    void teardown(const QString &reason);

    State m_state = State::Idle;
    TrainingOptions m_options;
    DatasetIndex m_index;
    std::shared_ptr<const EpochPlan> m_plan;
    std::unique_ptr<QThread> m_linkThread;
    AgentLink *m_link = nullptr; // lives on m_linkThread, deleted there when it finishes
    std::optional<protocol::SessionInfo> m_agentInfo;
    ClockOffsetEstimator m_clock; // the link's latest estimate
    RunRecord m_record;
    QByteArray m_unsavedWeights;
    QString m_weightsError;
    BackgroundJob *m_weightsJob;
    QUrl m_listenUrl;
    int m_credits = 0;
    int m_inflight = 0;
    qint64 m_samplesDone = 0;
    qint64 m_samplesTotal = 0;
    QString m_lastError;
    QString m_lastAgentLog;
    DivergenceWatch m_divergence;
    bool m_trainingBegan = false;
};

} // namespace tandem
