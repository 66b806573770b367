// Every setting of the CPU preprocessing pipeline, as form controls.
#pragma once

#include "preprocess/preprocess_options.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QToolButton;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
QT_END_NAMESPACE

namespace tandem {

// Edits a PreprocessOptions value; every change is announced at once (the preview coalesces).
// Settings that do not apply to the chosen crop are disabled rather than hidden, so the form
// does not jump about.
class PreprocessControls : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreprocessControls)
public:
    explicit PreprocessControls(QWidget *parent = nullptr);

    void setOptions(const PreprocessOptions &options);
    [[nodiscard]] PreprocessOptions options() const;

Q_SIGNALS:
    void optionsChanged(const tandem::PreprocessOptions &options);

private:
    void onChanged();
    void updateEnabled();

    QComboBox *m_preset;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QToolButton *m_aspectLock;
    double m_lockedRatio = 1.0; // width / height while the lock is on
    bool m_syncingSize = false;
    QComboBox *m_color;
    QComboBox *m_crop;
    QSpinBox *m_resizeShorter;
    QDoubleSpinBox *m_scaleMin;
    QDoubleSpinBox *m_scaleMax;
    QDoubleSpinBox *m_ratioMin;
    QDoubleSpinBox *m_ratioMax;
    QCheckBox *m_flip;
    QCheckBox *m_reducedDecode;
    QDoubleSpinBox *m_maxMegapixels;
    QSpinBox *m_maxFileMiB;
    QLabel *m_problem;
    bool m_loading = false;
};

} // namespace tandem
