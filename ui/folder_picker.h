// Picks an output folder that may not exist yet, and creates it.
#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QFileDialog;
class QWidget;
QT_END_NAMESPACE

namespace tandem {

// QFileDialog::getExistingDirectory refuses a typed name that does not exist yet, which is what an
// export folder usually is. This dialog takes any name and the folder is made on accept.
class FolderPicker {
public:
    // The folder chosen (created if needed), or empty when cancelled or when it cannot be created;
    // *error then says why (empty on cancel).
    [[nodiscard]] static QString choose(QWidget *parent, const QString &title, const QString &start,
                                        QString *error = nullptr);
    // The dialog choose() runs, for tests to drive; the caller owns it.
    [[nodiscard]] static QFileDialog *makeDialog(QWidget *parent, const QString &title, const QString &start);
    // Makes path (and its parents) a folder; false with *error set when it cannot.
    [[nodiscard]] static bool create(const QString &path, QString *error);
};

} // namespace tandem
