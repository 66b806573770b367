// Writes an exported file atomically, so that a failed export never leaves half a report behind.
#pragma once

#include <QByteArray>
#include <QString>

namespace tandem {

class ReportFile {
public:
    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const QString &path, const QByteArray &bytes);
};

} // namespace tandem
