#include "preprocess_controls.h"

#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QToolButton>

#include <cmath>

namespace tandem {

namespace {
QDoubleSpinBox *doubleSpin(double lo, double hi, double step, int decimals)
{
    auto *spin = new QDoubleSpinBox;
    spin->setRange(lo, hi);
    spin->setSingleStep(step);
    spin->setDecimals(decimals);
    spin->setKeyboardTracking(false);
    return spin;
}

QSpinBox *intSpin(int lo, int hi)
{
    auto *spin = new QSpinBox;
    spin->setRange(lo, hi);
    spin->setKeyboardTracking(false);
    return spin;
}

QWidget *pair(QWidget *a, const QString &between, QWidget *b)
{
    auto *w = new QWidget;
    auto *l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(a, 1);
    l->addWidget(new QLabel(between));
    l->addWidget(b, 1);
    return w;
}
} // namespace

PreprocessControls::PreprocessControls(QWidget *parent)
    : QWidget(parent), m_preset(new QComboBox), m_width(intSpin(1, PreprocessOptions::kMaxSide)),
      m_height(intSpin(1, PreprocessOptions::kMaxSide)), m_color(new QComboBox), m_crop(new QComboBox),
      m_resizeShorter(intSpin(0, PreprocessOptions::kMaxSide)), m_scaleMin(doubleSpin(0.01, 1.0, 0.01, 2)),
      m_scaleMax(doubleSpin(0.01, 1.0, 0.01, 2)), m_ratioMin(doubleSpin(0.1, 10.0, 0.05, 2)),
      m_ratioMax(doubleSpin(0.1, 10.0, 0.05, 2)), m_flip(new QCheckBox(tr("Random horizontal flip"))),
      m_reducedDecode(new QCheckBox(tr("Reduced-resolution JPEG decode"))),
      m_maxMegapixels(doubleSpin(0.1, 1000.0, 10, 1)), m_maxFileMiB(intSpin(1, 4096)), m_problem(new QLabel)
{
    m_width->setObjectName(QStringLiteral("widthSpin"));
    m_height->setObjectName(QStringLiteral("heightSpin"));
    m_color->setObjectName(QStringLiteral("colorCombo"));
    m_crop->setObjectName(QStringLiteral("cropCombo"));
    m_resizeShorter->setObjectName(QStringLiteral("resizeShorterSpin"));
    m_scaleMin->setObjectName(QStringLiteral("scaleMinSpin"));
    m_scaleMax->setObjectName(QStringLiteral("scaleMaxSpin"));
    m_ratioMin->setObjectName(QStringLiteral("ratioMinSpin"));
    m_ratioMax->setObjectName(QStringLiteral("ratioMaxSpin"));
    m_flip->setObjectName(QStringLiteral("flipCheck"));
    m_reducedDecode->setObjectName(QStringLiteral("reducedDecodeCheck"));

    m_preset->addItem(tr("Custom"), 0);
    for (int side : {28, 32, 64, 96, 128, 160, 224, 256, 299, 384})
        m_preset->addItem(QStringLiteral("%1 × %1").arg(side), side);
    m_width->setSuffix(tr(" px"));
    m_height->setSuffix(tr(" px"));
    m_color->addItem(tr("RGB"), int(PreprocessOptions::Color::Rgb));
    m_color->addItem(tr("Grayscale"), int(PreprocessOptions::Color::Gray));
    m_crop->addItem(tr("Centre crop"), int(PreprocessOptions::Crop::Center));
    m_crop->addItem(tr("Random resized crop"), int(PreprocessOptions::Crop::RandomResized));
    m_resizeShorter->setSpecialValueText(tr("auto (output size)"));
    m_resizeShorter->setSuffix(tr(" px"));
    m_resizeShorter->setToolTip(tr("Centre crop: the shorter side is resized to this before cropping."));
    m_scaleMin->setToolTip(tr("Random resized crop: the smallest and largest share of the image's area."));
    m_scaleMax->setToolTip(m_scaleMin->toolTip());
    m_ratioMin->setToolTip(tr("Random resized crop: the range of the crop's aspect ratio (width / height)."));
    m_ratioMax->setToolTip(m_ratioMin->toolTip());
    m_flip->setToolTip(tr("Mirror half of the training images, chosen by each sample's seed."));
    m_reducedDecode->setToolTip(tr("Decode JPEGs at 1/2, 1/4 or 1/8 resolution when that loses nothing at the "
                                   "output size: two to four times faster."));
    m_maxMegapixels->setSuffix(tr(" MP"));
    m_maxMegapixels->setToolTip(tr("Images with more pixels are refused before decoding (decompression bombs)."));
    m_maxFileMiB->setSuffix(tr(" MiB"));
    m_maxFileMiB->setToolTip(tr("Larger files are refused without being read."));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::error().name()));
    m_problem->setVisible(false);

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(6);
    // The aspect lock: while on, changing one side changes the other at the ratio locked.
    m_aspectLock = new QToolButton;
    m_aspectLock->setObjectName(QStringLiteral("aspectLock"));
    m_aspectLock->setCheckable(true);
    m_aspectLock->setText(QStringLiteral("\u21D4")); // ⇔
    m_aspectLock->setToolTip(tr("Keep the width-to-height ratio when one side changes"));
    connect(m_aspectLock, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            m_lockedRatio = double(m_width->value()) / std::max(1, m_height->value());
    });
    connect(m_width, &QSpinBox::valueChanged, this, [this](int width) {
        if (!m_aspectLock->isChecked() || m_loading || m_syncingSize)
            return;
        m_syncingSize = true; // the other side follows once; its own change is reported as usual
        m_height->setValue(std::max(1, int(std::lround(width / m_lockedRatio))));
        m_syncingSize = false;
    });
    connect(m_height, &QSpinBox::valueChanged, this, [this](int height) {
        if (!m_aspectLock->isChecked() || m_loading || m_syncingSize)
            return;
        m_syncingSize = true;
        m_width->setValue(std::max(1, int(std::lround(height * m_lockedRatio))));
        m_syncingSize = false;
    });
    auto *size = new QWidget;
    auto *sizeLayout = new QHBoxLayout(size);
    sizeLayout->setContentsMargins(0, 0, 0, 0);
    sizeLayout->addWidget(pair(m_width, QStringLiteral("×"), m_height), 1);
    sizeLayout->addWidget(m_aspectLock);
    form->addRow(tr("Output size"), size);
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Colour"), m_color);
    form->addRow(tr("Crop"), m_crop);
    form->addRow(tr("Resize shorter side"), m_resizeShorter);
    form->addRow(tr("Crop area"), pair(m_scaleMin, QStringLiteral("–"), m_scaleMax));
    form->addRow(tr("Aspect ratio"), pair(m_ratioMin, QStringLiteral("–"), m_ratioMax));
    form->addRow(QString(), m_flip);
    form->addRow(QString(), m_reducedDecode);
    form->addRow(tr("Limits"), pair(m_maxMegapixels, QStringLiteral("·"), m_maxFileMiB));
    form->addRow(m_problem);

    for (QSpinBox *spin : {m_width, m_height, m_resizeShorter, m_maxFileMiB})
        connect(spin, &QSpinBox::valueChanged, this, &PreprocessControls::onChanged);
    for (QDoubleSpinBox *spin : {m_scaleMin, m_scaleMax, m_ratioMin, m_ratioMax, m_maxMegapixels})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &PreprocessControls::onChanged);
    for (QComboBox *combo : {m_color, m_crop})
        connect(combo, &QComboBox::currentIndexChanged, this, &PreprocessControls::onChanged);
    for (QCheckBox *check : {m_flip, m_reducedDecode})
        connect(check, &QCheckBox::toggled, this, &PreprocessControls::onChanged);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        const int side = m_preset->itemData(index).toInt();
        if (side <= 0)
            return;
        m_loading = true;
        m_width->setValue(side);
        m_height->setValue(side);
        m_loading = false;
        onChanged();
    });
    setOptions(PreprocessOptions{});
}

void PreprocessControls::setOptions(const PreprocessOptions &o)
{
    m_loading = true;
    m_width->setValue(o.width);
    m_height->setValue(o.height);
    m_color->setCurrentIndex(m_color->findData(int(o.color)));
    m_crop->setCurrentIndex(m_crop->findData(int(o.crop)));
    m_resizeShorter->setValue(int(o.resizeShorter));
    m_scaleMin->setValue(o.scaleMin);
    m_scaleMax->setValue(o.scaleMax);
    m_ratioMin->setValue(o.ratioMin);
    m_ratioMax->setValue(o.ratioMax);
    m_flip->setChecked(o.horizontalFlip);
    m_reducedDecode->setChecked(o.reducedDecode);
    m_maxMegapixels->setValue(double(o.maxPixels) / 1e6);
    m_maxFileMiB->setValue(int(std::min<qint64>(4096, o.maxFileBytes >> 20)));
    m_loading = false;
    onChanged();
}

PreprocessOptions PreprocessControls::options() const
{
    PreprocessOptions o;
    o.width = m_width->value();
    o.height = m_height->value();
    o.color = PreprocessOptions::Color(m_color->currentData().toInt());
    o.crop = PreprocessOptions::Crop(m_crop->currentData().toInt());
    o.resizeShorter = m_resizeShorter->value();
    o.scaleMin = m_scaleMin->value();
    o.scaleMax = m_scaleMax->value();
    o.ratioMin = m_ratioMin->value();
    o.ratioMax = m_ratioMax->value();
    o.horizontalFlip = m_flip->isChecked();
    o.reducedDecode = m_reducedDecode->isChecked();
    o.maxPixels = qint64(m_maxMegapixels->value() * 1e6);
    o.maxFileBytes = qint64(m_maxFileMiB->value()) << 20;
    return o;
}

void PreprocessControls::updateEnabled()
{
    const bool random = m_crop->currentData().toInt() == int(PreprocessOptions::Crop::RandomResized);
    m_resizeShorter->setEnabled(!random);
    for (QWidget *w : {static_cast<QWidget *>(m_scaleMin), static_cast<QWidget *>(m_scaleMax),
                       static_cast<QWidget *>(m_ratioMin), static_cast<QWidget *>(m_ratioMax)})
        w->setEnabled(random);
    const int side = m_width->value() == m_height->value() ? m_width->value() : 0;
    const int preset = m_preset->findData(side);
    const QSignalBlocker blocker(m_preset);
    m_preset->setCurrentIndex(preset < 0 ? 0 : preset);
}

void PreprocessControls::onChanged()
{
    if (m_loading)
        return;
    updateEnabled();
    const PreprocessOptions o = options();
    const QString problem = o.validate();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    Q_EMIT optionsChanged(o);
}

} // namespace tandem
