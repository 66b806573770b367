#include "run_compare_view.h"

#include "live_line_chart.h"
#include "theme.h"
#include "timing/run_history.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace tandem {

namespace {
const QColor kColorB(0xe1, 0x1d, 0x74); // magenta: apart from the accent blue, also for colour-blind eyes

QWidget *card(QWidget *content)
{
    auto *frame = new QFrame;
    frame->setProperty("card", true);
    auto *layout = new QVBoxLayout(frame);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(content);
    return frame;
}

QString swatch(const QColor &color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9632;</span>").arg(color.name());
}
} // namespace

RunCompareView::RunCompareView(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(tr("Compare two runs"))), m_legend(new QLabel),
      m_loss(new LiveLineChart(tr("Training loss (smoothed)"), tr("step"), tr("cross-entropy"))),
      m_accuracy(new LiveLineChart(tr("Validation accuracy per epoch"), tr("epoch"), tr("accuracy (%)"))),
      m_report(new QPushButton(Theme::icon(QStringLiteral("export-report")), tr("Comparison Report…")))
{
    m_loss->setObjectName(QStringLiteral("compareLossChart"));
    m_accuracy->setObjectName(QStringLiteral("compareAccuracyChart"));
    m_report->setObjectName(QStringLiteral("compareReportButton"));
    m_report->setToolTip(tr("One HTML report of both runs side by side, as `tandem report A B` writes it"));
    m_heading->setProperty("role", QStringLiteral("heading"));
    m_legend->setProperty("role", QStringLiteral("caption"));
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);

    const QColor a = Theme::accent();
    m_loss->addLine({tr("A"), &m_a.smoothedLoss(), a, 2.0, false, 1.0});
    m_loss->addLine({tr("B"), &m_b.smoothedLoss(), kColorB, 2.0, false, 1.0});
    m_loss->setYIncludesZero(true);
    m_loss->setPlaceholder(tr("Select two runs and press Compare."));
    m_accuracy->addLine({tr("A"), &m_a.valAccuracy(), a, 2.2, true, 1.0});
    m_accuracy->addLine({tr("B"), &m_b.valAccuracy(), kColorB, 2.2, true, 1.0});
    m_accuracy->setFixedYRange(0, 100);
    m_accuracy->setMinimumXSpan(2);
    m_accuracy->setXOrigin(0.5);
    m_accuracy->setXEndPadding(0.5);
    m_accuracy->setPlaceholder(tr("Select two runs and press Compare."));

    auto *top = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    titles->addWidget(m_heading);
    titles->addWidget(m_legend);
    top->addLayout(titles, 1);
    top->addWidget(m_report, 0, Qt::AlignTop);
    auto *charts = new QHBoxLayout;
    charts->setSpacing(8);
    charts->addWidget(card(m_loss), 1);
    charts->addWidget(card(m_accuracy), 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(top);
    layout->addLayout(charts, 1);

    connect(m_report, &QPushButton::clicked, this, &RunCompareView::reportRequested);
    clear();
}

void RunCompareView::setRuns(const RunRecord &a, const RunRecord &b)
{
    m_a.load(a);
    m_b.load(b);
    m_haveRuns = true;
    m_report->setEnabled(true);
    const auto line = [this](const QColor &color, const QString &name, const RunRecord &run) {
        QString text = QStringLiteral("%1 <b>%2</b> %3 · %4")
                           .arg(swatch(color), name, run.title.toHtmlEscaped(),
                                QLocale().toString(run.startedAt, QLocale::ShortFormat));
        if (const RunHistoryEntry entry = RunHistoryEntry::of(run, {}); !entry.recipe.isEmpty())
            text += QStringLiteral(" · %1, %2")
                        .arg(entry.recipe.toHtmlEscaped(),
                             entry.epochs == 1 ? tr("1 epoch") : tr("%1 epochs").arg(entry.epochs));
        return text;
    };
    m_legend->setText(line(Theme::accent(), tr("A"), a) + QStringLiteral("<br>") + line(kColorB, tr("B"), b));
    m_loss->resetZoom();
    m_accuracy->resetZoom();
    m_loss->redraw();
    m_accuracy->redraw();
}

void RunCompareView::clear()
{
    m_a.clear();
    m_b.clear();
    m_haveRuns = false;
    m_report->setEnabled(false);
    m_legend->setText(tr("Select two runs in the list and press Compare: their curves are drawn here, one over "
                         "the other."));
    m_loss->redraw();
    m_accuracy->redraw();
}

} // namespace tandem
