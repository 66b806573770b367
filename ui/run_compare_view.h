// Two saved runs overlaid: their loss and accuracy curves on the dashboard's chart widgets.
#pragma once

#include "metrics/training_metrics.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
QT_END_NAMESPACE

namespace tandem {

class LiveLineChart;

// Run A is drawn in the accent colour, run B in a contrasting one; the legend names both. The
// charts are the dashboard's (LiveLineChart): decimated, zoomable, redrawn only when asked.
class RunCompareView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunCompareView)
public:
    explicit RunCompareView(QWidget *parent = nullptr);

    void setRuns(const RunRecord &a, const RunRecord &b);
    void clear();
    [[nodiscard]] bool hasRuns() const { return m_haveRuns; }

    [[nodiscard]] LiveLineChart *lossChart() const { return m_loss; }
    [[nodiscard]] LiveLineChart *accuracyChart() const { return m_accuracy; }
    [[nodiscard]] QPushButton *reportButton() const { return m_report; }
    [[nodiscard]] const TrainingMetrics &metrics(int run) const { return run == 0 ? m_a : m_b; }

Q_SIGNALS:
    // The comparison report of the two runs shown (ReportExporter::exportComparison).
    void reportRequested();

private:
    TrainingMetrics m_a;
    TrainingMetrics m_b;
    bool m_haveRuns = false;
    QLabel *m_heading;
    QLabel *m_legend;
    LiveLineChart *m_loss;
    LiveLineChart *m_accuracy;
    QPushButton *m_report;
};

} // namespace tandem
