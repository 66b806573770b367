// Writes one CSV row per batch and stage span, times in ms from the run's start.
#pragma once

#include <QByteArray>
#include <QString>

namespace tandem {

struct RunRecord;

class CsvReportWriter {
public:
    // Header: seq,epoch,split,stage,host,start_ms,end_ms,duration_ms. Rows ordered by sequence
    // number, then pipeline stage, then start; times relative to RunRecord::originNs().
    [[nodiscard]] static QByteArray render(const RunRecord &record);
    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const RunRecord &record, const QString &path);
};

} // namespace tandem
