#include "training_panel.h"

#include "timing/run_history.h"

#include "theme.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

namespace tandem {

namespace {
constexpr double kSgdLearningRate = 0.05;
constexpr double kAdamWLearningRate = 0.001;

QWidget *row(std::initializer_list<QWidget *> widgets)
{
    auto *w = new QWidget;
    auto *l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(6);
    for (QWidget *widget : widgets)
        l->addWidget(widget, 1);
    return w;
}
} // namespace

TrainingPanel::TrainingPanel(QWidget *parent)
    : QWidget(parent), m_model(new QComboBox), m_epochs(new QSpinBox), m_batch(new QSpinBox), m_lr(new QDoubleSpinBox),
      m_optimizer(new QComboBox), m_momentum(new QDoubleSpinBox), m_weightDecay(new QDoubleSpinBox),
      m_device(new QComboBox), m_precision(new QComboBox), m_seed(new QSpinBox), m_valFraction(new QDoubleSpinBox),
      m_perClass(new QSpinBox), m_threads(new QSpinBox),
      m_saveWeights(new QCheckBox(tr("Save the trained weights to"))), m_weightsPath(new QLineEdit),
      m_browse(new QToolButton), m_form(new QWidget), m_buttons(new QWidget)
{
    m_model->setObjectName(QStringLiteral("modelCombo"));
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_batch->setObjectName(QStringLiteral("batchSpin"));
    m_lr->setObjectName(QStringLiteral("learningRateSpin"));
    m_optimizer->setObjectName(QStringLiteral("optimizerCombo"));
    m_weightsPath->setObjectName(QStringLiteral("weightsPath"));
    m_saveWeights->setObjectName(QStringLiteral("saveWeights"));

    for (QComboBox *combo : {m_model, m_optimizer, m_device, m_precision}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
    }
    m_model->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_model->setToolTip(tr("Automatic: a small CNN up to 64 pixels, ResNet-18 above."));
    m_model->addItem(tr("Small CNN"), QStringLiteral("cnn"));
    m_model->addItem(tr("ResNet-18"), QStringLiteral("resnet18"));
    m_epochs->setRange(1, 100000);
    m_batch->setRange(1, 4096);
    m_lr->setDecimals(5);
    m_lr->setRange(0.00001, 10.0);
    m_lr->setSingleStep(0.001);
    m_optimizer->addItem(tr("SGD with momentum"), QStringLiteral("sgd"));
    m_optimizer->addItem(tr("AdamW"), QStringLiteral("adamw"));
    m_momentum->setRange(0.0, 0.999);
    m_momentum->setDecimals(3);
    m_momentum->setSingleStep(0.01);
    m_weightDecay->setRange(0.0, 1.0);
    m_weightDecay->setDecimals(5);
    m_weightDecay->setSingleStep(0.0001);
    m_device->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_precision->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_precision->setToolTip(tr("Automatic: bf16 autocast on CUDA, fp32 on the CPU."));
    m_precision->addItem(QStringLiteral("fp32"), QStringLiteral("fp32"));
    m_precision->addItem(QStringLiteral("bf16"), QStringLiteral("bf16"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Fixes the split, the order and every random crop and flip."));
    m_valFraction->setRange(0.0, 0.9);
    m_valFraction->setSingleStep(0.05);
    m_valFraction->setDecimals(2);
    m_valFraction->setToolTip(tr("Share held out for validation when the dataset has no val/ folder."));
    m_perClass->setRange(0, 1'000'000'000);
    m_perClass->setSpecialValueText(tr("all"));
    m_perClass->setToolTip(tr("Use at most this many images of each class (a seeded choice)."));
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("all (%1)").arg(QThread::idealThreadCount()));
    m_threads->setToolTip(tr("Preprocessing threads on this computer"));
    m_weightsPath->setPlaceholderText(tr("with the run, in the Runs folder"));
    m_browse->setText(QStringLiteral("…"));
    m_browse->setToolTip(tr("Choose where to save the weights"));

    auto *form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(6);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Epochs · batch"), row({m_epochs, m_batch}));
    form->addRow(tr("Optimiser"), m_optimizer);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("Momentum · decay"), row({m_momentum, m_weightDecay}));
    form->addRow(tr("Device · precision"), row({m_device, m_precision}));
    form->addRow(tr("Seed · val share"), row({m_seed, m_valFraction}));
    form->addRow(tr("Per class · threads"), row({m_perClass, m_threads}));
    auto *weights = new QWidget;
    auto *weightsLayout = new QHBoxLayout(weights);
    weightsLayout->setContentsMargins(0, 0, 0, 0);
    weightsLayout->setSpacing(4);
    weightsLayout->addWidget(m_weightsPath, 1);
    weightsLayout->addWidget(m_browse);
    form->addRow(m_saveWeights);
    form->addRow(weights);

    auto *buttons = new QHBoxLayout(m_buttons);
    buttons->setContentsMargins(0, 4, 0, 0);
    buttons->setSpacing(6);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(m_form);
    layout->addWidget(m_buttons);

    for (QSpinBox *spin : {m_epochs, m_batch, m_seed, m_perClass, m_threads})
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (!m_loading)
                Q_EMIT changed();
        });
    for (QDoubleSpinBox *spin : {m_lr, m_momentum, m_weightDecay, m_valFraction})
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
            if (!m_loading)
                Q_EMIT changed();
        });
    for (QComboBox *combo : {m_model, m_device, m_precision})
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_loading)
                Q_EMIT changed();
        });
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, &TrainingPanel::onOptimizerChanged);
    connect(m_saveWeights, &QCheckBox::toggled, this, [this](bool on) {
        m_weightsPath->setEnabled(on);
        m_browse->setEnabled(on);
        if (!m_loading)
            Q_EMIT changed();
    });
    connect(m_weightsPath, &QLineEdit::textChanged, this, [this] {
        if (!m_loading)
            Q_EMIT changed();
    });
    connect(m_browse, &QToolButton::clicked, this, &TrainingPanel::browseWeights);
    load(TrainingOptions{}, true);
}

void TrainingPanel::setRunActions(QAction *start, QAction *pause, QAction *stop)
{
    auto *layout = static_cast<QHBoxLayout *>(m_buttons->layout());
    for (QAction *action : {start, pause, stop}) {
        auto *button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setIconSize(QSize(18, 18));
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setMinimumHeight(34);
        layout->addWidget(button);
    }
}

void TrainingPanel::attach(TrainingSession *session)
{
    m_session = session;
    connect(session, &TrainingSession::stateChanged, this,
            [this] { setEditable(!m_session || !m_session->isActive()); });
}

void TrainingPanel::setEditable(bool editable)
{
    m_form->setEnabled(editable);
}

void TrainingPanel::onOptimizerChanged()
{
    // Keep a default learning rate matching the optimiser; a value someone typed stays.
    const bool adamw = m_optimizer->currentData().toString() == QLatin1String("adamw");
    if (!m_loading) {
        if (adamw && qFuzzyCompare(m_lr->value(), kSgdLearningRate))
            m_lr->setValue(kAdamWLearningRate);
        else if (!adamw && qFuzzyCompare(m_lr->value(), kAdamWLearningRate))
            m_lr->setValue(kSgdLearningRate);
    }
    m_momentum->setEnabled(!adamw);
    if (!m_loading)
        Q_EMIT changed();
}

void TrainingPanel::browseWeights()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save weights as"), weightsPath(),
                                                      tr("PyTorch weights (*.pt);;All files (*)"));
    if (!path.isEmpty())
        m_weightsPath->setText(QDir::toNativeSeparators(path));
}

void TrainingPanel::load(const TrainingOptions &o, bool saveWeights)
{
    m_loading = true;
    auto select = [](QComboBox *combo, const QString &value) {
        const int at = combo->findData(value);
        combo->setCurrentIndex(at < 0 ? 0 : at);
    };
    select(m_model, o.model);
    m_epochs->setValue(o.epochs);
    m_batch->setValue(o.batchSize);
    select(m_optimizer, o.optimizer);
    m_lr->setValue(o.learningRate);
    m_momentum->setValue(o.momentum);
    m_momentum->setEnabled(o.optimizer != QLatin1String("adamw"));
    m_weightDecay->setValue(o.weightDecay);
    select(m_device, o.device);
    select(m_precision, o.precision);
    m_seed->setValue(int(std::min<quint64>(o.seed, quint64(std::numeric_limits<int>::max()))));
    m_valFraction->setValue(o.index.valFraction);
    m_perClass->setValue(o.index.perClassLimit);
    m_threads->setValue(o.threads);
    m_weightsPath->setText(QDir::toNativeSeparators(o.weightsPath)); // empty: with the run
    m_saveWeights->setChecked(saveWeights);
    m_weightsPath->setEnabled(saveWeights);
    m_browse->setEnabled(saveWeights);
    m_loading = false;
}

void TrainingPanel::applyTo(TrainingOptions &o) const
{
    o.model = m_model->currentData().toString();
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.optimizer = m_optimizer->currentData().toString();
    o.learningRate = m_lr->value();
    o.momentum = m_momentum->value();
    o.weightDecay = m_weightDecay->value();
    o.device = m_device->currentData().toString();
    o.precision = m_precision->currentData().toString();
    o.seed = quint64(m_seed->value());
    o.index.seed = o.seed;
    o.index.valFraction = m_valFraction->value();
    o.index.perClassLimit = m_perClass->value();
    o.threads = m_threads->value();
    o.weightsPath = !saveWeights()            ? QString()
                    : weightsPath().isEmpty() ? defaultWeightsPath(o.datasetRoot)
                                              : weightsPath();
}

bool TrainingPanel::saveWeights() const
{
    return m_saveWeights->isChecked();
}

QString TrainingPanel::defaultWeightsPath(const QString &datasetRoot)
{
    const QString dataset = datasetRoot.isEmpty() ? QStringLiteral("run") : QFileInfo(datasetRoot).fileName();
    return QDir(RunHistory::defaultFolder())
        .filePath(QStringLiteral("weights/%1-%2.pt")
                      .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), dataset));
}

QString TrainingPanel::weightsPath() const
{
    return QDir::fromNativeSeparators(m_weightsPath->text().trimmed());
}

int TrainingPanel::batchSize() const
{
    return m_batch->value();
}

} // namespace tandem
