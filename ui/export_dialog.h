// Asks where and how to write the curated dataset: folder tree or .tar.gz, size, colour, image type.
#pragma once

#include "curation/dataset_exporter.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace tandem {

// Only gathers ExportOptions; CurationPage runs the export off the UI thread with progress and cancel.
class ExportDialog : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)
public:
    explicit ExportDialog(const PreprocessOptions &preprocess, QWidget *parent = nullptr);

    [[nodiscard]] ExportOptions options() const;

private:
    void browse();

    PreprocessOptions m_preprocess;
    QLineEdit *m_path;
    QComboBox *m_format;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QComboBox *m_color;
    QComboBox *m_type;
};

} // namespace tandem
