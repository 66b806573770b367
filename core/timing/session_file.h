// Saves and loads a RunRecord as a versioned JSON file (*.tandem-run.json), for later reports.
#pragma once

#include "timing/run_record.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace tandem {

enum class SessionFileError {
    None = 0,
    Io,           // cannot open, read or write the file
    NotJson,      // not a JSON document (truncated, binary, ...)
    NotASession,  // JSON, but not a Tandem run
    OlderVersion, // a Tandem run in a format this build no longer reads
    NewerVersion, // a Tandem run from a newer Tandem
    BadField,     // a missing or out-of-range field
};

// The file holds times relative to wallStartNs, so they stay exact in any JSON reader (doubles
// are exact up to 2^53 ns, about 104 days); wallStartNs itself is kept as an integer.
class SessionFile {
public:
    static constexpr int kFormatVersion = 1;
    static constexpr int kOldestReadableVersion = 1;

    struct LoadResult {
        std::optional<RunRecord> run;
        SessionFileError error = SessionFileError::None;
        QString message; // specific: "batch 12: unknown stage \"decompress\""

        [[nodiscard]] bool ok() const { return run.has_value(); }
    };

    [[nodiscard]] static QString suffix() { return QStringLiteral(".tandem-run.json"); }

    [[nodiscard]] static QJsonObject toJsonObject(const RunRecord &record);
    [[nodiscard]] static QByteArray toJson(const RunRecord &record);
    // Also accepts a JSON timing report, which embeds the same run object under "run".
    [[nodiscard]] static LoadResult fromJsonObject(const QJsonObject &object);
    [[nodiscard]] static LoadResult fromJson(const QByteArray &json);

    // Writes atomically (QSaveFile). Returns the error message, empty on success.
    [[nodiscard]] static QString save(const RunRecord &record, const QString &path);
    [[nodiscard]] static LoadResult load(const QString &path);
};

[[nodiscard]] const char *sessionFileErrorName(SessionFileError error);

} // namespace tandem
