// The status bar's right side: what is happening (indexing, connecting, training) and how far along.
#pragma once

#include "session/training_session.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
QT_END_NAMESPACE

namespace tandem {

class RunStatusWidget : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunStatusWidget)
public:
    explicit RunStatusWidget(QWidget *parent = nullptr);

    void attach(TrainingSession *session);
    // Long work outside a run (indexing a folder): a label and done/total (total 0: unknown).
    void showTask(const QString &text, qint64 done, qint64 total);
    void clearTask();

    [[nodiscard]] QString text() const;

private:
    void showState(TrainingSession::State state);

    QPointer<TrainingSession> m_session;
    QLabel *m_dot;
    QLabel *m_text;
    QProgressBar *m_progress;
    bool m_task = false;
};

} // namespace tandem
