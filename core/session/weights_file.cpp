#include "weights_file.h"

#include <QCoreApplication>
#include <QSaveFile>

namespace tandem {

QString WeightsFile::save(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return QCoreApplication::translate("tandem::WeightsFile", "Could not save the weights to %1: %2")
            .arg(path, file.errorString());
    return {};
}

} // namespace tandem
