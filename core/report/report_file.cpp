#include "report/report_file.h"

#include "report/report_log.h"

#include <QSaveFile>

namespace tandem {

QString ReportFile::write(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    qCDebug(lcReport) << "wrote" << path << bytes.size() << "bytes";
    return {};
}

} // namespace tandem
