#include "report/json_report_writer.h"

#include "report/number_format.h"
#include "report/report_file.h"
#include "timing/session_file.h"
#include "timing/timing_summary.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace tandem {

QJsonObject JsonReportWriter::summaryObject(const TimingSummary &summary)
{
    QJsonArray stages;
    for (const StageStats &stats : summary.stages) {
        stages.append(QJsonObject{
            {QStringLiteral("stage"), NumberFormat::stageKey(stats.stage)},
            {QStringLiteral("label"), NumberFormat::stageLabel(stats.stage)},
            {QStringLiteral("host"), NumberFormat::hostKey(protocol::stageInfo(stats.stage).host)},
            {QStringLiteral("wait"), TimingSummary::isWaitStage(stats.stage)},
            {QStringLiteral("count"), stats.count},
            {QStringLiteral("meanMs"), stats.meanMs},
            {QStringLiteral("p50Ms"), stats.p50Ms},
            {QStringLiteral("p95Ms"), stats.p95Ms},
            {QStringLiteral("p99Ms"), stats.p99Ms},
            {QStringLiteral("busyMs"), stats.busyMs},
            {QStringLiteral("busyFraction"), stats.busyFraction},
            {QStringLiteral("peakConcurrency"), stats.peakConcurrency},
            {QStringLiteral("utilisation"), stats.utilisation},
        });
    }
    return QJsonObject{
        {QStringLiteral("batches"), summary.batches},
        {QStringLiteral("samples"), summary.samples},
        {QStringLiteral("wireBytes"), summary.wireBytes},
        {QStringLiteral("wallSeconds"), summary.wallSeconds},
        {QStringLiteral("samplesPerSecond"), summary.samplesPerSecond},
        {QStringLiteral("wireBytesPerSample"), summary.wireBytesPerSample},
        {QStringLiteral("sequentialSeconds"), summary.sequentialSeconds},
        {QStringLiteral("slowestStageBusySeconds"), summary.slowestStageBusySeconds},
        {QStringLiteral("overlapEfficiency"), summary.overlapEfficiency},
        {QStringLiteral("sequentialOverWall"), summary.sequentialOverWall},
        {QStringLiteral("agentBusyFraction"), summary.agentBusyFraction},
        {QStringLiteral("bottleneck"),
         summary.hasBottleneck ? QJsonValue(NumberFormat::stageKey(summary.bottleneck)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("bottleneckResource"), summary.bottleneckResource},
        {QStringLiteral("bottleneckUtilisation"), summary.bottleneckUtilisation},
        {QStringLiteral("verdict"), summary.verdict},
        {QStringLiteral("uncertaintyMs"), summary.uncertaintyMs},
        {QStringLiteral("stages"), stages},
    };
}

QByteArray JsonReportWriter::render(const RunRecord &record, const TimingSummary &summary)
{
    const QJsonObject document{
        {QStringLiteral("format"), QStringLiteral("tandem-timing-report")},
        {QStringLiteral("version"), kFormatVersion},
        {QStringLiteral("generatedAt"), QDateTime::currentDateTime().toString(Qt::ISODateWithMs)},
        {QStringLiteral("summary"), summaryObject(summary)},
        {QStringLiteral("run"), SessionFile::toJsonObject(record)},
    };
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

QString JsonReportWriter::write(const RunRecord &record, const TimingSummary &summary, const QString &path)
{
    return ReportFile::write(path, render(record, summary));
}

} // namespace tandem
