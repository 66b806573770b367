#include "report_export_dialog.h"

#include "report/report_export_job.h"
#include "timing/run_record.h"

namespace tandem {

ReportExportDialog::ReportExportDialog(QWidget *parent)
    : QProgressDialog(parent), m_job(std::make_unique<ReportExportJob>())
{
    setObjectName(QStringLiteral("reportExportDialog"));
    setWindowTitle(tr("Export Report"));
    setWindowModality(Qt::WindowModal);
    setAutoClose(false);
    setAutoReset(false); // keep 100 % in view until the job says it is done
    setMinimumDuration(0);
    setCancelButtonText(tr("Cancel"));
    reset();
    hide();
    connect(m_job.get(), &ReportExportJob::progress, this, [this](int done, int total) {
        setMaximum(std::max(1, total));
        setValue(done);
    });
    connect(this, &QProgressDialog::canceled, m_job.get(), &ReportExportJob::cancel);
    connect(m_job.get(), &ReportExportJob::finished, this, [this](const ExportResult &result) {
        hide();
        Q_EMIT finished(result);
    });
}

ReportExportDialog::~ReportExportDialog() = default;

bool ReportExportDialog::start(std::shared_ptr<const RunRecord> record, const QString &dir, const QString &baseName)
{
    if (!m_job->start(std::move(record), dir, baseName))
        return false;
    setLabelText(tr("Writing the report to %1…").arg(dir));
    setRange(0, ReportExporter::formatCount(ReportExporter::All));
    setValue(0);
    show();
    return true;
}

bool ReportExportDialog::isRunning() const
{
    return m_job->isRunning();
}

} // namespace tandem
