#include "report/csv_report_writer.h"

#include "report/number_format.h"
#include "report/report_file.h"
#include "timing/run_record.h"

#include <algorithm>

namespace tandem {

namespace {

QByteArray milliseconds(qint64 ns)
{
    return QByteArray::number(double(ns) / 1e6, 'f', 3); // microsecond resolution
}

} // namespace

QByteArray CsvReportWriter::render(const RunRecord &record)
{
    const qint64 origin = record.originNs();
    std::vector<const BatchRecord *> batches;
    batches.reserve(record.batches.size());
    for (const BatchRecord &batch : record.batches)
        batches.push_back(&batch);
    std::stable_sort(batches.begin(), batches.end(),
                     [](const BatchRecord *a, const BatchRecord *b) { return a->seq < b->seq; });

    QByteArray csv = "seq,epoch,split,stage,host,start_ms,end_ms,duration_ms\n";
    csv.reserve(int(record.batches.size()) * 15 * 64);
    for (const BatchRecord *batch : batches) {
        std::vector<protocol::Span> spans = batch->spans;
        std::stable_sort(spans.begin(), spans.end(), [](const protocol::Span &a, const protocol::Span &b) {
            return a.stage != b.stage ? a.stage < b.stage : a.startNs < b.startNs;
        });
        const QByteArray prefix = QByteArray::number(batch->seq) + ',' + QByteArray::number(batch->epoch) + ',' +
                                  protocol::splitName(batch->split) + ',';
        for (const protocol::Span &span : spans) {
            csv += prefix;
            csv += NumberFormat::stageKey(span.stage).toLatin1() + ',';
            csv += NumberFormat::hostKey(protocol::stageInfo(span.stage).host).toLatin1() + ',';
            csv += milliseconds(span.startNs - origin) + ',' + milliseconds(span.endNs - origin) + ',' +
                   milliseconds(span.endNs - span.startNs) + '\n';
        }
    }
    return csv;
}

QString CsvReportWriter::write(const RunRecord &record, const QString &path)
{
    return ReportFile::write(path, render(record));
}

} // namespace tandem
