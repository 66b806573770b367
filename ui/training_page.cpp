#include "training_page.h"

#include "connection_panel.h"
#include "dashboard_view.h"
#include "settings/settings_store.h"
#include "training_panel.h"

#include <QFrame>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>

namespace tandem {

namespace {
QWidget *section(const QString &title, QWidget *content)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    auto *heading = new QLabel(title);
    heading->setProperty("role", QStringLiteral("heading"));
    auto *card = new QFrame;
    card->setProperty("card", true);
    auto *cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(12, 10, 12, 12);
    cardLayout->addWidget(content);
    layout->addWidget(heading);
    layout->addWidget(card);
    return box;
}
} // namespace

TrainingPage::TrainingPage(QWidget *parent)
    : QWidget(parent), m_connection(new ConnectionPanel), m_training(new TrainingPanel), m_dashboard(new DashboardView),
      m_splitter(new QSplitter(Qt::Horizontal))
{
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(10, 8, 6, 8);
    leftLayout->setSpacing(12);
    leftLayout->addWidget(section(tr("Agent"), m_connection));
    leftLayout->addWidget(section(tr("Training"), m_training));
    leftLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(
        std::max(380, left->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4));

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 8, 10, 8);
    rightLayout->addWidget(m_dashboard);

    // In a short window (1024 × 640) the dashboard scrolls rather than squeezing its charts flat.
    auto *rightScroll = new QScrollArea;
    rightScroll->setObjectName(QStringLiteral("dashboardScroll"));
    rightScroll->setWidget(right);
    rightScroll->setWidgetResizable(true);
    rightScroll->setFrameShape(QFrame::NoFrame);
    rightScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    rightScroll->setMinimumWidth(right->minimumSizeHint().width() +
                                 rightScroll->verticalScrollBar()->sizeHint().width());

    m_splitter->addWidget(scroll);
    m_splitter->addWidget(rightScroll);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({420, 1180});
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
}

void TrainingPage::attach(TrainingSession *session)
{
    m_connection->attach(session);
    m_training->attach(session);
    m_dashboard->attach(session);
}

void TrainingPage::saveSettings(SettingsStore &settings) const
{
    settings.setUiValue(QStringLiteral("training/splitter"), m_splitter->saveState());
    settings.setUiValue(QStringLiteral("training/smoothing"), m_dashboard->smoothing());
}

void TrainingPage::restoreSettings(const SettingsStore &settings)
{
    m_splitter->restoreState(settings.uiValue(QStringLiteral("training/splitter")).toByteArray());
    m_dashboard->setSmoothing(settings.uiValue(QStringLiteral("training/smoothing"), 0.9).toDouble());
}

} // namespace tandem
