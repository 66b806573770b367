#include "run_status_widget.h"

#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>

namespace tandem {

RunStatusWidget::RunStatusWidget(QWidget *parent)
    : QWidget(parent), m_dot(new QLabel), m_text(new QLabel), m_progress(new QProgressBar)
{
    m_progress->setFixedWidth(180);
    m_progress->setMaximumHeight(14);
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 6, 0);
    layout->setSpacing(6);
    layout->addStretch(1);
    layout->addWidget(m_dot);
    layout->addWidget(m_text);
    layout->addWidget(m_progress);
    showState(TrainingSession::State::Idle);
}

void RunStatusWidget::attach(TrainingSession *session)
{
    m_session = session;
    connect(session, &TrainingSession::stateChanged, this, &RunStatusWidget::showState);
    connect(session, &TrainingSession::progress, this, [this](qint64 done, qint64 total, int epoch, int epochs) {
        if (m_task || total <= 0)
            return;
        m_progress->setVisible(true);
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000 * std::clamp(double(done) / double(total), 0.0, 1.0)));
        m_text->setText(tr("%1 · epoch %2 of %3 · %4 of %5 samples")
                            .arg(TrainingSession::stateName(m_session->state()))
                            .arg(std::min(epoch + 1, epochs))
                            .arg(epochs)
                            .arg(QLocale().toString(done), QLocale().toString(total)));
    });
}

void RunStatusWidget::showState(TrainingSession::State state)
{
    m_dot->setPixmap(Theme::dot(Theme::stateColor(state)));
    if (m_task)
        return;
    using State = TrainingSession::State;
    m_text->setText(state == State::Idle ? tr("Ready") : TrainingSession::stateName(state));
    const bool busy = m_session && m_session->isActive();
    m_progress->setVisible(busy);
    if (busy && state != State::Training && state != State::Paused)
        m_progress->setRange(0, 0); // indeterminate while connecting
}

void RunStatusWidget::showTask(const QString &text, qint64 done, qint64 total)
{
    m_task = true;
    m_text->setText(total > 0 ? tr("%1 %2 of %3").arg(text, QLocale().toString(done), QLocale().toString(total))
                              : tr("%1 %2").arg(text, QLocale().toString(done)));
    m_progress->setVisible(true);
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000 * std::clamp(double(done) / double(total), 0.0, 1.0)));
    } else {
        m_progress->setRange(0, 0);
    }
}

void RunStatusWidget::clearTask()
{
    m_task = false;
    showState(m_session ? m_session->state() : TrainingSession::State::Idle);
}

QString RunStatusWidget::text() const
{
    return m_text->text();
}

} // namespace tandem
