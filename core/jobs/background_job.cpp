#include "jobs/background_job.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace tandem {

// What one run shares with its thread; it outlives a discarded run until the thread lets go.
struct BackgroundJob::State {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> lastReportNs{-kProgressIntervalNs};
    QElapsedTimer clock;
};

BackgroundJob::BackgroundJob(QObject *parent) : QObject(parent) {}

BackgroundJob::~BackgroundJob()
{
    discard();
    waitForFinished();
}

bool BackgroundJob::isCancelled() const
{
    return m_state && m_state->cancel;
}

void BackgroundJob::cancel()
{
    if (m_state)
        m_state->cancel = true;
}

void BackgroundJob::discard()
{
    cancel();
    m_state.reset(); // what the old run posts no longer matches m_state and is dropped
    m_running = false;
}

void BackgroundJob::waitForFinished()
{
    m_future.waitForFinished();
}

void BackgroundJob::start(Work work)
{
    discard();
    waitForFinished();
    auto state = std::make_shared<State>();
    state->clock.start();
    m_state = state;
    m_running = true;
    // `this` outlives the run: the destructor waits for it, and a queued call still pending when
    // this object is deleted is dropped with it.
    m_future = QtConcurrent::run([this, state, work = std::move(work)] {
        const Progress report = [this, state](qint64 done, qint64 total) {
            const qint64 now = state->clock.nsecsElapsed();
            if (done != total && now - state->lastReportNs < kProgressIntervalNs)
                return;
            state->lastReportNs = now;
            QMetaObject::invokeMethod(
                this,
                [this, state, done, total] {
                    if (state == m_state)
                        Q_EMIT progress(done, total);
                },
                Qt::QueuedConnection);
        };
        Finish finish = work(state->cancel, report);
        QMetaObject::invokeMethod(
            this,
            [this, state, finish = std::move(finish)] {
                if (state != m_state)
                    return; // discarded, or superseded by a newer start()
                m_running = false;
                if (finish)
                    finish();
                Q_EMIT finished();
            },
            Qt::QueuedConnection);
    });
}

} // namespace tandem
