// Turns a run's records and summary into report content (ReportDocument) for the HTML and PDF writers.
#pragma once

#include "report/report_document.h"

#include <QStringList>

namespace tandem {

struct RunRecord;
struct TimingSummary;

class ReportBuilder {
public:
    struct Options {
        // Width the charts are drawn at, in SVG units: about the HTML's content width in CSS px.
        // The PDF uses a narrower one so that chart text prints at a readable size.
        double chartWidth = 960.0;
        // The exported files that travel with the report, named in its footer.
        QStringList companionFiles;
    };

    [[nodiscard]] static ReportDocument build(const RunRecord &record, const TimingSummary &summary,
                                              const Options &options);
    // Two runs side by side: both summaries with the change from A to B, both runs' charts.
    [[nodiscard]] static ReportDocument buildComparison(const RunRecord &a, const TimingSummary &summaryA,
                                                        const RunRecord &b, const TimingSummary &summaryB,
                                                        const Options &options);
};

} // namespace tandem
