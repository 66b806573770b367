// One call that exports a run in every format: CSV, JSON, Chrome trace, HTML, PDF, session file.
#pragma once

#include <QFlags>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace tandem {

struct RunRecord;

struct ExportResult {
    QStringList written;    // absolute paths, in the order of ReportExporter::Format
    QString error;          // the first failure; the formats before it were written
    bool cancelled = false; // stopped on request: nothing is left behind, written is empty

    [[nodiscard]] bool ok() const { return error.isEmpty() && !cancelled; }
};

class ReportExporter {
public:
    enum Format {
        Csv = 0x01,     // <base>.csv: one row per batch and stage
        Json = 0x02,    // <base>.json: summary and raw records
        Trace = 0x04,   // <base>.trace.json: Chrome/Perfetto trace
        Html = 0x08,    // <base>.html: self-contained report
        Pdf = 0x10,     // <base>.pdf: the same report on A4; needs a QGuiApplication
        Session = 0x20, // <base>.tandem-run.json: reopen later to export again or compare
        All = 0x3f,
    };
    Q_DECLARE_FLAGS(Formats, Format)

    using ExportResult = tandem::ExportResult;

    using Progress = std::function<void(qint64 done, qint64 total)>;

    // Creates `dir` if needed. Stops at the first failure. Each file is written atomically; the
    // cancel flag is checked before each format, and a cancelled export removes the files it had
    // already written, so that a folder never holds half a report. progress(done, total) counts
    // formats, and is called once with (0, total) before the first.
    [[nodiscard]] static ExportResult exportAll(const RunRecord &record, const QString &dir, const QString &baseName,
                                                Formats formats = All, const std::atomic<bool> *cancel = nullptr,
                                                const Progress &progress = {});
    // How many files exportAll writes for these formats.
    [[nodiscard]] static int formatCount(Formats formats);
    // A self-contained HTML report of two runs side by side.
    [[nodiscard]] static ExportResult exportComparison(const RunRecord &a, const RunRecord &b, const QString &htmlPath);
    // File names made from a run's title and start: "fashion-mnist-cnn-20260314-0926".
    [[nodiscard]] static QString suggestedBaseName(const RunRecord &record);
};

Q_DECLARE_OPERATORS_FOR_FLAGS(ReportExporter::Formats)

} // namespace tandem

Q_DECLARE_METATYPE(tandem::ExportResult)
