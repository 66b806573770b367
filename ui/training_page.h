// The "Training" tab: the agent connection and run settings on the left, the dashboards on the right.
#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QSplitter;
QT_END_NAMESPACE

namespace tandem {

class ConnectionPanel;
class DashboardView;
class SettingsStore;
class TrainingPanel;
class TrainingSession;

class TrainingPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingPage)
public:
    explicit TrainingPage(QWidget *parent = nullptr);

    void attach(TrainingSession *session);

    void saveSettings(SettingsStore &settings) const;
    void restoreSettings(const SettingsStore &settings);

    [[nodiscard]] ConnectionPanel *connection() const { return m_connection; }
    [[nodiscard]] TrainingPanel *training() const { return m_training; }
    [[nodiscard]] DashboardView *dashboard() const { return m_dashboard; }

private:
    ConnectionPanel *m_connection;
    TrainingPanel *m_training;
    DashboardView *m_dashboard;
    QSplitter *m_splitter;
};

} // namespace tandem
