#include "folder_picker.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

#include <memory>

namespace tandem {

QFileDialog *FolderPicker::makeDialog(QWidget *parent, const QString &title, const QString &start)
{
    auto *dialog = new QFileDialog(parent, title);
    // AnyFile with folders shown only: a typed name that does not exist yet is accepted.
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setOption(QFileDialog::ShowDirsOnly, true);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setLabelText(QFileDialog::Accept, QFileDialog::tr("&Choose"));
    dialog->setLabelText(QFileDialog::FileName, QFileDialog::tr("Folder:"));
    dialog->setOption(QFileDialog::DontConfirmOverwrite, true); // an existing folder is a fine choice
    const QFileInfo info(start);
    if (info.isDir())
        dialog->setDirectory(info.absoluteFilePath());
    else if (!start.isEmpty()) {
        dialog->setDirectory(info.absolutePath());
        dialog->selectFile(info.fileName());
    }
    return dialog;
}

bool FolderPicker::create(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isDir()) {
        *error = QStringLiteral("%1 is a file, not a folder").arg(QDir::toNativeSeparators(path));
        return false;
    }
    if (!QDir().mkpath(path)) {
        *error = QStringLiteral("cannot create the folder %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

QString FolderPicker::choose(QWidget *parent, const QString &title, const QString &start, QString *error)
{
    const std::unique_ptr<QFileDialog> dialog(makeDialog(parent, title, start));
    if (dialog->exec() != QDialog::Accepted || dialog->selectedFiles().isEmpty())
        return {};
    const QString path = dialog->selectedFiles().constFirst();
    QString why;
    if (!create(path, &why)) {
        if (error)
            *error = why;
        return {};
    }
    return path;
}

} // namespace tandem
