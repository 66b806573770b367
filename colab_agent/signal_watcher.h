// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe), for a clean exit.
#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace tandem::agent {

class SignalWatcher : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    // False when the pipe or the handlers could not be installed.
    [[nodiscard]] bool isActive() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace tandem::agent
