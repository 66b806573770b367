#include "dashboard_view.h"

#include "common/duration_format.h"

#include "live_line_chart.h"
#include "stage_latency_chart.h"
#include "stat_tile.h"
#include "theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QSlider>
#include <QScopeGuard>
#include <QVBoxLayout>

#include <array>
#include <cmath>

namespace tandem {

namespace {
QString duration(qint64 ms)
{
    return formatDuration(double(ms / 1000), DurationStyle::Clock);
}

QWidget *card(QWidget *content)
{
    auto *frame = new QFrame;
    frame->setProperty("card", true);
    auto *layout = new QVBoxLayout(frame);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(content);
    return frame;
}
} // namespace

DashboardView::DashboardView(QWidget *parent)
    : QWidget(parent), m_loss(new LiveLineChart(tr("Training loss"), tr("step"), tr("cross-entropy"))),
      m_accuracy(new LiveLineChart(tr("Accuracy per epoch"), tr("epoch"), tr("accuracy (%)"))),
      m_throughput(new LiveLineChart(tr("Throughput"), tr("step"), tr("samples / s"))), m_stages(new StageLatencyChart),
      m_smoothing(new QSlider(Qt::Horizontal)), m_smoothingValue(new QLabel), m_verdictIcon(new QLabel),
      m_verdict(new QLabel), m_verdictDetail(new QLabel), m_lossTile(new StatTile(tr("Loss (smoothed)"))),
      m_accuracyTile(new StatTile(tr("Validation accuracy"))), m_speedTile(new StatTile(tr("Throughput"))),
      m_progressTile(new StatTile(tr("Progress"))), m_elapsedTile(new StatTile(tr("Elapsed"))),
      m_overlapTile(new StatTile(tr("Overlap gain")))
{
    m_loss->setObjectName(QStringLiteral("lossChart"));
    m_accuracy->setObjectName(QStringLiteral("accuracyChart"));
    m_throughput->setObjectName(QStringLiteral("throughputChart"));
    m_stages->setObjectName(QStringLiteral("stageChart"));
    m_verdict->setObjectName(QStringLiteral("verdictLabel"));

    m_loss->addLine({tr("raw"), &m_metrics.loss(), Theme::accent(), 1.0, false, 0.30});
    m_loss->addLine({tr("smoothed"), &m_metrics.smoothedLoss(), Theme::accent(), 2.2, false, 1.0});
    m_loss->setYIncludesZero(true);
    m_loss->setPlaceholder(tr("The loss of every training step appears here."));
    m_accuracy->addLine({tr("validation"), &m_metrics.valAccuracy(), QColor(0x0d, 0x94, 0x88), 2.2, true, 1.0});
    m_accuracy->addLine({tr("training"), &m_metrics.trainAccuracy(), QColor(0x8b, 0x5c, 0xf6), 1.6, true, 0.8});
    m_accuracy->setFixedYRange(0, 100);
    m_accuracy->setMinimumXSpan(2);
    m_accuracy->setXOrigin(0.5); // epochs are whole: half an epoch of room either side
    m_accuracy->setXEndPadding(0.5);
    m_accuracy->setPlaceholder(tr("Accuracy on the validation images after each epoch."));
    m_throughput->addLine({tr("per step"), &m_metrics.throughput(), QColor(0xf5, 0x9e, 0x0b), 1.0, false, 0.35});
    m_throughput->addLine({tr("trend"), &m_metrics.smoothedThroughput(), QColor(0xd9, 0x77, 0x06), 2.2, false, 1.0});
    m_throughput->setYIncludesZero(true);
    m_throughput->setPlaceholder(tr("Samples per second, as the agent trains them."));
    m_stages->setSource(&m_metrics);

    m_smoothing->setObjectName(QStringLiteral("smoothingSlider"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(int(std::lround(m_metrics.smoothing() * 100)));
    m_smoothing->setFixedWidth(96); // leaves the verdict room in a 1024 px window
    m_smoothing->setToolTip(tr("Exponential moving average of the loss, as in TensorBoard"));
    m_smoothingValue->setText(QString::number(m_metrics.smoothing(), 'f', 2));
    m_smoothingValue->setMinimumWidth(30);

    // The verdict: the one sentence a person should read first.
    auto *banner = new QFrame;
    banner->setProperty("card", true);
    auto *bannerLayout = new QHBoxLayout(banner);
    bannerLayout->setContentsMargins(12, 6, 12, 6);
    bannerLayout->setSpacing(10);
    m_verdictIcon->setPixmap(Theme::icon(QStringLiteral("training")).pixmap(22, 22));
    m_verdict->setProperty("role", QStringLiteral("heading"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdictDetail->setProperty("role", QStringLiteral("caption"));
    m_verdictDetail->setWordWrap(true);
    auto *verdictText = new QVBoxLayout;
    verdictText->setSpacing(2);
    verdictText->addWidget(m_verdict);
    verdictText->addWidget(m_verdictDetail);
    bannerLayout->addWidget(m_verdictIcon, 0, Qt::AlignTop);
    bannerLayout->addLayout(verdictText, 1);
    auto *smoothingLabel = new QLabel(tr("Loss smoothing"));
    smoothingLabel->setProperty("role", QStringLiteral("caption"));
    bannerLayout->addWidget(smoothingLabel);
    bannerLayout->addWidget(m_smoothing);
    bannerLayout->addWidget(m_smoothingValue);

    // Narrower than the chart view's own minimum so that two fit side by side in a 1024 px window;
    // as tall as a plot needs to stay readable (below that, TrainingPage scrolls the dashboard).
    for (QWidget *chart : std::initializer_list<QWidget *>{m_loss, m_accuracy, m_throughput, m_stages})
        chart->setMinimumSize(220, 190);

    m_tiles = new QGridLayout;
    m_tiles->setSpacing(6);
    flowTiles();

    auto *charts = new QGridLayout;
    charts->setSpacing(6);
    charts->addWidget(card(m_loss), 0, 0);
    charts->addWidget(card(m_accuracy), 0, 1);
    charts->addWidget(card(m_throughput), 1, 0);
    charts->addWidget(card(m_stages), 1, 1);
    charts->setColumnStretch(0, 1);
    charts->setColumnStretch(1, 1);
    charts->setRowStretch(0, 1);
    charts->setRowStretch(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(banner);
    layout->addLayout(m_tiles);
    layout->addLayout(charts, 1);

    m_redrawTimer.setSingleShot(true);
    m_redrawTimer.setInterval(kRedrawMs);
    connect(&m_redrawTimer, &QTimer::timeout, this, &DashboardView::redrawNow);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        setSmoothing(value / 100.0);
        Q_EMIT smoothingChanged(m_metrics.smoothing());
    });
    clear();
}

void DashboardView::attach(TrainingSession *session)
{
    m_session = session;
    connect(session, &TrainingSession::stateChanged, this, [this](TrainingSession::State state) {
        using State = TrainingSession::State;
        if (state == State::Indexing || state == State::StartingAgent || state == State::Connecting ||
            state == State::WaitingForAgent) {
            if (m_metrics.steps() > 0 || m_metrics.batches() > 0)
                clear(); // a new run
        }
        if (state == State::Training && !m_sinceStart.isValid())
            m_sinceStart.start();
        if (!m_session->isActive() && m_sinceStart.isValid()) {
            m_elapsedMs = m_sinceStart.elapsed();
            m_sinceStart.invalidate();
        }
        markDirty();
    });
    connect(session, &TrainingSession::stepMetrics, this, [this](const StepPoint &point) {
        m_metrics.addStep(point);
        markDirty();
    });
    connect(session, &TrainingSession::epochMetrics, this, [this](const EpochPoint &point) {
        m_metrics.addEpoch(point);
        markDirty();
    });
    connect(session, &TrainingSession::batchTimed, this, [this](const BatchRecord &record) {
        m_metrics.addBatch(record);
        m_batchesSinceSummary = true;
        markDirty();
    });
    connect(session, &TrainingSession::progress, this, [this](qint64 done, qint64 total, int epoch, int epochs) {
        m_samplesDone = done;
        m_samplesTotal = total;
        m_epoch = epoch;
        m_epochs = epochs;
        markDirty();
    });
    connect(session, &TrainingSession::finished, this, [this] {
        m_batchesSinceSummary = true;
        m_sinceSummary.invalidate(); // the final summary now, not in a second
        markDirty();
    });
}

void DashboardView::clear()
{
    m_metrics.clear();
    m_haveSummary = false;
    m_summary = TimingSummary{};
    m_sinceStart.invalidate();
    m_sinceSummary.invalidate();
    m_elapsedMs = 0;
    m_samplesDone = m_samplesTotal = 0;
    m_epoch = m_epochs = 0;
    m_batchesSinceSummary = false;
    m_verdict->setText(tr("No run yet"));
    m_verdictDetail->setText(tr("Start a run to see where the time goes: preprocessing here, the network, "
                                "or the agent's GPU."));
    for (auto *chart : {m_loss, m_accuracy, m_throughput})
        chart->resetZoom();
    m_stages->resetZoom();
    updateTiles();
}

void DashboardView::showRecord(const RunRecord &record)
{
    clear();
    m_metrics.load(record);
    m_summary = TimingSummary::compute(record);
    m_haveSummary = true;
    m_elapsedMs = qint64(m_summary.wallSeconds * 1000);
    m_samplesDone = m_samplesTotal = m_summary.samples;
    m_epochs = m_epoch = m_metrics.epochsDone();
    setVerdict(m_summary);
    redrawNow();
}

void DashboardView::setSmoothing(double weight)
{
    m_metrics.setSmoothing(weight);
    m_smoothingValue->setText(QString::number(m_metrics.smoothing(), 'f', 2));
    const int slider = int(std::lround(m_metrics.smoothing() * 100));
    if (m_smoothing->value() != slider) {
        const QSignalBlocker blocker(m_smoothing);
        m_smoothing->setValue(slider);
    }
    markDirty();
}

void DashboardView::markDirty()
{
    if (!m_redrawTimer.isActive())
        m_redrawTimer.start();
}

void DashboardView::redrawNow()
{
    m_redrawTimer.stop();
    ++m_redraws;
    QElapsedTimer clock;
    clock.start();
    // The next redraw waits at least twice as long as this one took, so that with a huge run the
    // UI thread still spends most of its time on the person, not on the charts.
    const auto adapt = qScopeGuard([this, &clock] {
        m_redrawTimer.setInterval(int(std::clamp<qint64>(2 * clock.elapsed(), kRedrawMs, 10 * kRedrawMs)));
    });
    m_loss->redraw();
    m_accuracy->setMinimumXSpan(std::max(2, m_epochs));
    m_accuracy->redraw();
    m_throughput->redraw();
    m_stages->redraw();
    updateSummary();
    updateTiles();
}

void DashboardView::updateSummary()
{
    if (!m_session || !m_batchesSinceSummary)
        return;
    if (m_sinceSummary.isValid() && m_sinceSummary.elapsed() < kSummaryMs) {
        markDirty(); // come back for it
        return;
    }
    m_sinceSummary.start();
    m_batchesSinceSummary = false;
    m_summary = m_session->summary();
    m_haveSummary = true;
    setVerdict(m_summary);
}

void DashboardView::setVerdict(const TimingSummary &s)
{
    if (!s.hasBottleneck) {
        m_verdict->setText(s.verdict.isEmpty() ? tr("Measuring…") : s.verdict);
        return;
    }
    // The record's bound is set when the run ends; until then, the live estimate's.
    double uncertaintyMs = s.uncertaintyMs;
    if (m_session && m_session->isActive())
        uncertaintyMs = std::max(uncertaintyMs, double(m_session->clock().uncertaintyNs()) / 1e6);
    QString verdict = s.verdict;
    if (!verdict.isEmpty())
        verdict[0] = verdict[0].toUpper();
    m_verdict->setText(verdict);
    const QString bottleneck = QString::fromLatin1(protocol::stageInfo(s.bottleneck).label.data(),
                                                   int(protocol::stageInfo(s.bottleneck).label.size()));
    m_verdictDetail->setText(tr("Slowest stage: %1. Run one after another, these stages would take %2 s; "
                                "overlapped they took %3 s. Timings across machines are good to ± %4 ms.")
                                 .arg(bottleneck)
                                 .arg(s.sequentialSeconds, 0, 'f', 1)
                                 .arg(s.wallSeconds, 0, 'f', 1)
                                 .arg(uncertaintyMs, 0, 'f', uncertaintyMs < 0.1 ? 3 : 2));
}

void DashboardView::updateTiles()
{
    const QLocale locale;
    const qint64 steps = m_metrics.steps();
    if (steps > 0) {
        m_lossTile->setValue(
            QString::number(m_metrics.smoothedLoss().lastY(), 'f', 3),
            tr("raw %1 · step %2").arg(m_metrics.loss().lastY(), 0, 'f', 3).arg(locale.toString(steps)));
        m_speedTile->setValue(tr("%1/s").arg(locale.toString(m_metrics.smoothedThroughput().lastY(), 'f', 0)),
                              m_haveSummary
                                  ? tr("agent busy %1% of the time").arg(std::lround(m_summary.agentBusyFraction * 100))
                                  : tr("samples per second"));
    } else {
        m_lossTile->setValue(QStringLiteral("—"), tr("no steps yet"));
        m_speedTile->setValue(QStringLiteral("—"), tr("samples per second"));
    }
    if (!m_metrics.valAccuracy().isEmpty())
        m_accuracyTile->setValue(QStringLiteral("%1%").arg(m_metrics.valAccuracy().lastY(), 0, 'f', 1),
                                 tr("best %1% · epoch %2")
                                     .arg(m_metrics.bestValAccuracy() * 100, 0, 'f', 1)
                                     .arg(m_metrics.valAccuracy().size()));
    else
        m_accuracyTile->setValue(QStringLiteral("—"), tr("after the first epoch"));

    const qint64 elapsed = m_sinceStart.isValid() ? m_sinceStart.elapsed() : m_elapsedMs;
    if (m_samplesTotal > 0) {
        const double fraction = std::clamp(double(m_samplesDone) / double(m_samplesTotal), 0.0, 1.0);
        QString detail = tr("%1% of %2 samples").arg(std::lround(fraction * 100)).arg(locale.toString(m_samplesTotal));
        if (m_sinceStart.isValid() && fraction > 0.02 && fraction < 1.0)
            detail += tr(" · %1 left").arg(duration(qint64(elapsed * (1.0 - fraction) / fraction)));
        m_progressTile->setValue(tr("Epoch %1 / %2").arg(std::min(m_epoch + 1, std::max(1, m_epochs))).arg(m_epochs),
                                 detail);
    } else {
        m_progressTile->setValue(QStringLiteral("—"), tr("not started"));
    }
    m_elapsedTile->setValue(elapsed > 0 ? duration(elapsed) : QStringLiteral("—"),
                            m_haveSummary ? tr("%1 batches").arg(locale.toString(m_summary.batches)) : tr("wall time"));
    if (m_haveSummary && m_summary.sequentialOverWall > 0)
        m_overlapTile->setValue(QStringLiteral("%1×").arg(m_summary.sequentialOverWall, 0, 'f', 2),
                                tr("vs. one stage after another"));
    else
        m_overlapTile->setValue(QStringLiteral("—"), tr("vs. one stage after another"));
}

void DashboardView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    flowTiles();
}

void DashboardView::flowTiles()
{
    const std::array<StatTile *, 6> tiles{m_progressTile, m_lossTile,    m_accuracyTile,
                                          m_speedTile,    m_overlapTile, m_elapsedTile};
    constexpr int kWideTile = 150; // below this a tile's figure and detail no longer fit in one row
    const int columns = width() >= int(tiles.size()) * (kWideTile + 8) ? int(tiles.size()) : 3;
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (StatTile *tile : tiles)
        m_tiles->removeWidget(tile);
    for (int i = 0; i < int(tiles.size()); ++i)
        m_tiles->addWidget(tiles[size_t(i)], i / columns, i % columns);
    for (int c = 0; c < int(tiles.size()); ++c)
        m_tiles->setColumnStretch(c, c < columns ? 1 : 0);
}

QString DashboardView::verdictText() const
{
    return m_verdict->text();
}

} // namespace tandem
