// Runs one piece of long work at a time on a pool thread, with cancellation and progress.
#pragma once

#include <QFuture>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace tandem {

// The work gets a cancel flag to check between items and a progress callback it may call from
// its thread; it returns what to do with its result on this object's thread (or nothing). So
// results travel back as values, never through shared state. Progress reaches this thread at
// most every kProgressIntervalNs, and always when done == total.
class BackgroundJob : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackgroundJob)
public:
    using Progress = std::function<void(qint64 done, qint64 total)>;
    using Finish = std::function<void()>;
    using Work = std::function<Finish(const std::atomic<bool> &cancel, const Progress &progress)>;
    static constexpr qint64 kProgressIntervalNs = 50'000'000;

    explicit BackgroundJob(QObject *parent = nullptr);
    ~BackgroundJob() override; // discards the work under way and waits for it to stop

    // Starts work. Work still under way is discarded first and waited for (it stops at its next
    // check of the flag). The Finish it returns runs here, then finished() is emitted.
    void start(Work work);
    // Asks the work to stop; its Finish still runs, so that it can say it was cancelled.
    void cancel();
    // Cancels and forgets: neither its progress nor its Finish arrives.
    void discard();
    // Blocks until the work's thread has let go (tests, destructors).
    void waitForFinished();

    // From start() until just before the Finish runs (so a Finish may start the next job).
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] bool isCancelled() const;

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void finished();

private:
    struct State;
    std::shared_ptr<State> m_state;
    QFuture<void> m_future;
    bool m_running = false;
};

} // namespace tandem
