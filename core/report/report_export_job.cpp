#include "report/report_export_job.h"

#include "timing/run_record.h"

namespace tandem {

ReportExportJob::ReportExportJob(QObject *parent) : QObject(parent)
{
    connect(&m_job, &BackgroundJob::progress, this,
            [this](qint64 done, qint64 total) { Q_EMIT progress(int(done), int(total)); });
}

ReportExportJob::~ReportExportJob()
{
    m_job.cancel();
    m_job.waitForFinished();
}

bool ReportExportJob::start(std::shared_ptr<const RunRecord> record, const QString &dir, const QString &baseName,
                            ReportExporter::Formats formats)
{
    if (!record || m_job.isRunning())
        return false;
    m_job.start([this, record = std::move(record), dir, baseName, formats](
                    const std::atomic<bool> &cancel, const BackgroundJob::Progress &report) -> BackgroundJob::Finish {
        ExportResult result = ReportExporter::exportAll(*record, dir, baseName, formats, &cancel, report);
        return [this, result = std::move(result)] { Q_EMIT finished(result); };
    });
    return true;
}

void ReportExportJob::cancel()
{
    m_job.cancel();
}

} // namespace tandem
