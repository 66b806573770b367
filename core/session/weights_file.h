// Writes the weights the agent returned, atomically, so a failed save never leaves half a file.
#pragma once

#include <QByteArray>
#include <QString>

namespace tandem {

class WeightsFile {
public:
    // Empty on success, else a sentence that says why the weights could not be saved.
    [[nodiscard]] static QString save(const QString &path, const QByteArray &data);
};

} // namespace tandem
