#include "weights_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace tandem {

QString WeightsFile::save(const QString &path, const QByteArray &data)
{
    // The default path (the Runs folder's weights/) names a folder that a fresh account does not
    // have: a finished run must not fail for that.
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return QCoreApplication::translate("tandem::WeightsFile",
                                           "Could not save the weights to %1: cannot create the folder %2")
            .arg(path, folder);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return QCoreApplication::translate("tandem::WeightsFile", "Could not save the weights to %1: %2")
            .arg(path, file.errorString());
    return {};
}

} // namespace tandem
