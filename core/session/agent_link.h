// The client's end of one training run on its own thread: it owns the connection to the agent,
// the credits, the pump, the in-flight table and the clock estimate. Encoded batches go from the
// producer's queue to the socket here; only finished records and metric points leave, as queued
// signals.
#pragma once

#include "batch_producer.h"
#include "timing/batch_record.h"
#include "timing/clock_offset_estimator.h"
#include "timing/run_record.h"
#include "transport/agent_connector.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace tandem {

// Everything the link needs for a run, fixed before it starts: a snapshot, never shared state.
struct LinkPlan {
    // Called on the link's thread, so the connector and its socket are born there.
    std::function<std::unique_ptr<AgentConnector>()> makeConnector;
    QByteArray sessionConfigJson;
    std::shared_ptr<const EpochPlan> plan;
    ProducerPlan producer;     // queueCapacity follows the agent's credits
    QString weightsPath;       // empty: do not fetch the weights
    bool dataPathOnly = false; // nothing trains: no loss or accuracy points, the agent must confirm it
};

class AgentLink : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentLink)
public:
    // Parentless, so that it can be moved to its thread before start().
    AgentLink();
    ~AgentLink() override;

    // The slots below run on the link's thread (invoke them queued from elsewhere).
    void start(const tandem::LinkPlan &plan);
    // Paused: no new batch is sent; those the agent holds are still answered.
    void setPaused(bool paused);
    // Says Goodbye (if connected) and stops everything; no signal follows.
    void shutdown(const QString &reason);

    // Where the socket lives; for tests, to be called on the link's thread.
    [[nodiscard]] QThread *socketThread() const;

    // When the paused run went idle (nothing in flight), 0 when it is not; on this link's thread.
    [[nodiscard]] qint64 idleSinceNs() const { return m_idleSinceNs; }

Q_SIGNALS:
    void phaseChanged(tandem::AgentConnector::Phase phase, const QString &message);
    void listening(const QUrl &url);
    void agentReady(const tandem::protocol::SessionInfo &info, const QJsonObject &agentSettings, qint64 wallStartNs);
    void batchTimed(const tandem::BatchRecord &record);
    void stepMetrics(const tandem::StepPoint &point);
    void epochMetrics(const tandem::EpochPoint &point);
    void sampleFailed(const tandem::SkippedFile &file);
    void progressed(qint64 samplesDone, int epoch);
    void clockUpdated(const tandem::ClockOffsetEstimator &clock);
    void creditsChanged(int available, int inFlight);
    // Every batch was answered; the clock figures are those the record keeps.
    void trainingDone(qint64 wallEndNs, qint64 clockOffsetNs, qint64 clockUncertaintyNs);
    void weightsSaved(const QString &path, qint64 bytes);
    // The weights came back but could not be written; data is what the agent sent, for Save As.
    void weightsNotSaved(const QString &path, const QString &error, const QByteArray &data);
    // The run completed and the connection was closed with a Goodbye.
    void finished();
    // The connection could not be made or ended early; message is for a person.
    void connectionFailed(tandem::protocol::ConnectionError error, const QString &message);
    // Something on this side failed.
    void failed(const QString &message);
    // While paused, from when the last batch in flight was answered until resume (or the end):
    // the run was idle, and the summary leaves that time out.
    void pausedIdle(qint64 startNs, qint64 endNs);
    // The local agent's process ended by itself; message is for a person, log is its last output.
    void agentQuit(const QString &message, const QString &log);

private:
    void onConnected();
    void noteIdle();
    void endIdle();
    void onMessage(const protocol::Message &message, qint64 arrivalNs);
    void onStepMetrics(const protocol::StepMetrics &metrics, qint64 arrivalNs);
    void onEpochMetrics(const protocol::EpochMetrics &metrics);
    void onWeights(const protocol::Weights &weights);
    void onClosed(protocol::ConnectionError error, const QString &message);
    void pump();
    void maybeFinish();
    // Later: when called inside a signal of the socket or the connector, which must outlive it.
    enum class Deletion { Now, Later };
    void stopAll(Deletion deletion = Deletion::Later);
    void emitCredits();

    struct InFlight {
        BatchRecord record;
        qint64 sendEndTarget = 0; // cumulative bytes after this batch
        qint64 sendStartNs = 0;
        qint64 sendEndNs = 0;
    };

    LinkPlan m_plan;
    std::unique_ptr<AgentConnector> m_connector;
    std::unique_ptr<protocol::MessageSocket> m_socket;
    std::unique_ptr<BatchProducer> m_producer;
    std::optional<ProducedItem> m_pending;
    ClockOffsetEstimator m_clock;
    QTimer m_pingTimer;
    int m_pingBurst = 0;
    std::map<quint64, InFlight> m_inflight;
    int m_credits = 0;
    int m_openEpochEnds = 0;
    qint64 m_idleSinceNs = 0; // paused with nothing in flight since then; 0: not idle
    bool m_paused = false;
    bool m_producerDone = false;
    bool m_trainingDone = false;
    bool m_weightsRequested = false;
    bool m_over = false;
    qint64 m_bytesQueued = 0;
    qint64 m_bytesWritten = 0;
    qint64 m_samplesDone = 0;
};

} // namespace tandem
