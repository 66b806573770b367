// Exports an immutable snapshot of a run on a worker thread, with progress and cancellation.
#pragma once

#include "jobs/background_job.h"
#include "report/report_exporter.h"

#include <QObject>

#include <memory>

namespace tandem {

struct RunRecord;

// The GUI thread only starts it and hears back: the writers (QPainter on a QPdfWriter,
// QTextDocument, QSvgRenderer; no widget, no QPixmap) run on a pool thread over a record that no
// one changes. A cancelled export leaves no file behind (ReportExporter::exportAll).
class ReportExportJob : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportJob)
public:
    explicit ReportExportJob(QObject *parent = nullptr);
    ~ReportExportJob() override; // cancels an export under way and waits for it (one format)

    // False, and nothing starts, while an export is under way or without a record.
    bool start(std::shared_ptr<const RunRecord> record, const QString &dir, const QString &baseName,
               ReportExporter::Formats formats = ReportExporter::All);
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_job.isRunning(); }

Q_SIGNALS:
    // Files written so far, of total.
    void progress(int done, int total);
    // Always once per start(): written, failed (error) or cancelled.
    void finished(const tandem::ExportResult &result);

private:
    BackgroundJob m_job;
};

} // namespace tandem
