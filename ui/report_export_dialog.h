// The progress of a report export, with Cancel; the export itself runs in a ReportExportJob.
#pragma once

#include "report/report_exporter.h"

#include <QProgressDialog>

#include <memory>

namespace tandem {

class ReportExportJob;
struct RunRecord;

// Window-modal while it shows, so the run cannot change under it; the window stays responsive
// because the job writes on a pool thread. Cancel stops before the next file and the job removes
// what it had written.
class ReportExportDialog : public QProgressDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportDialog)
public:
    explicit ReportExportDialog(QWidget *parent = nullptr);
    ~ReportExportDialog() override;

    // Shows the dialog and starts; false while an export is under way.
    bool start(std::shared_ptr<const RunRecord> record, const QString &dir, const QString &baseName);
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] ReportExportJob *job() const { return m_job.get(); }

Q_SIGNALS:
    // Once per start(), after the dialog has closed.
    void finished(const tandem::ExportResult &result);

private:
    std::unique_ptr<ReportExportJob> m_job;
};

} // namespace tandem
