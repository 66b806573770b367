// Model and optimiser settings, where the weights go, and the run's start, pause and stop.
#pragma once

#include "session/training_options.h"
#include "session/training_session.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QToolButton;
QT_END_NAMESPACE

namespace tandem {

class TrainingPanel : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingPanel)
public:
    explicit TrainingPanel(QWidget *parent = nullptr);

    // Big buttons for the window's run actions (the same actions as the toolbar's).
    void setRunActions(QAction *start, QAction *pause, QAction *stop);
    void attach(TrainingSession *session);

    void load(const TrainingOptions &options, bool saveWeights);
    void applyTo(TrainingOptions &options) const; // weightsPath is empty when not saving
    [[nodiscard]] bool saveWeights() const;
    [[nodiscard]] QString weightsPath() const; // as typed; empty: with the run (defaultWeightsPath)
    // Where a run's weights go when no path is typed: the Runs folder's weights/, named after the
    // start time and the dataset, so that no run overwrites another's and the folder always exists
    // once they are written (WeightsFile creates it).
    [[nodiscard]] static QString defaultWeightsPath(const QString &datasetRoot);
    [[nodiscard]] int batchSize() const;

Q_SIGNALS:
    void changed();

private:
    void onOptimizerChanged();
    void browseWeights();
    void setEditable(bool editable);

    QPointer<TrainingSession> m_session;
    QComboBox *m_model;
    QSpinBox *m_epochs;
    QSpinBox *m_batch;
    QDoubleSpinBox *m_lr;
    QComboBox *m_optimizer;
    QDoubleSpinBox *m_momentum;
    QDoubleSpinBox *m_weightDecay;
    QComboBox *m_device;
    QComboBox *m_precision;
    QSpinBox *m_seed;
    QDoubleSpinBox *m_valFraction;
    QSpinBox *m_perClass;
    QSpinBox *m_threads;
    QCheckBox *m_saveWeights;
    QLineEdit *m_weightsPath;
    QToolButton *m_browse;
    QWidget *m_form;
    QWidget *m_buttons;
    bool m_loading = false;
};

} // namespace tandem
