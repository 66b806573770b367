// Writes the summary and the raw records as one JSON document, for scripts and notebooks.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace tandem {

struct RunRecord;
struct TimingSummary;

class JsonReportWriter {
public:
    static constexpr int kFormatVersion = 1;

    // {"format": "tandem-timing-report", "version", "summary": {...}, "run": <session file object>}.
    // "run" is exactly what SessionFile stores, so SessionFile::load opens this file too.
    [[nodiscard]] static QJsonObject summaryObject(const TimingSummary &summary);
    [[nodiscard]] static QByteArray render(const RunRecord &record, const TimingSummary &summary);
    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const RunRecord &record, const TimingSummary &summary, const QString &path);
};

} // namespace tandem
