#include "export_dialog.h"

#include "folder_picker.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace tandem {

ExportDialog::ExportDialog(const PreprocessOptions &preprocess, QWidget *parent)
    : QDialog(parent), m_preprocess(preprocess), m_path(new QLineEdit), m_format(new QComboBox), m_width(new QSpinBox),
      m_height(new QSpinBox), m_color(new QComboBox), m_type(new QComboBox)
{
    setWindowTitle(tr("Export Curated Dataset"));
    m_format->addItem(tr("Class-per-folder tree"), int(ExportOptions::Format::Folder));
    m_format->addItem(tr("Single archive (.tar.gz)"), int(ExportOptions::Format::TarGz));
    for (QSpinBox *side : {m_width, m_height}) {
        side->setRange(1, PreprocessOptions::kMaxSide);
        side->setSuffix(tr(" px"));
    }
    m_width->setValue(preprocess.width);
    m_height->setValue(preprocess.height);
    m_color->addItem(tr("RGB"), int(PreprocessOptions::Color::Rgb));
    m_color->addItem(tr("Greyscale"), int(PreprocessOptions::Color::Gray));
    m_color->setCurrentIndex(preprocess.color == PreprocessOptions::Color::Gray ? 1 : 0);
    m_type->addItem(tr("PNG (lossless)"), QStringLiteral("png"));
    m_type->addItem(tr("JPEG (quality 95)"), QStringLiteral("jpg"));

    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Write to:"), pathRow);
    form->addRow(tr("Width:"), m_width);
    form->addRow(tr("Height:"), m_height);
    form->addRow(tr("Colour:"), m_color);
    form->addRow(tr("Image type:"), m_type);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void ExportDialog::browse()
{
    const bool archive = m_format->currentData().toInt() == int(ExportOptions::Format::TarGz);
    const QString path =
        archive ? QFileDialog::getSaveFileName(this, tr("Export to archive"), m_path->text(), tr("Archives (*.tar.gz)"))
                : FolderPicker::choose(this, tr("Export to an empty folder"), m_path->text());
    if (!path.isEmpty())
        m_path->setText(archive && !path.endsWith(QLatin1String(".tar.gz")) ? path + QStringLiteral(".tar.gz") : path);
}

ExportOptions ExportDialog::options() const
{
    ExportOptions options;
    options.outputPath = m_path->text().trimmed();
    options.format = ExportOptions::Format(m_format->currentData().toInt());
    options.preprocess = m_preprocess;
    options.preprocess.width = m_width->value();
    options.preprocess.height = m_height->value();
    options.preprocess.color = PreprocessOptions::Color(m_color->currentData().toInt());
    options.imageExtension = m_type->currentData().toString();
    return options;
}

} // namespace tandem
