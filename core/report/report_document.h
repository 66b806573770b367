// The content of an HTML/PDF report, independent of how it is typeset: both writers render it.
#pragma once

#include <QString>
#include <QStringList>

#include <variant>
#include <vector>

namespace tandem {

struct ReportFigure {
    QString label; // "Throughput"
    QString value; // "1,234"
    QString unit;  // "samples/s", typeset smaller after the value; may be empty
    QString note;  // "60,000 samples in 48.6 s"
};

struct ReportTable {
    QString title;
    QStringList header;
    std::vector<QStringList> rows;
    std::vector<bool> numeric;        // per column: right-aligned, tabular figures
    std::vector<QString> rowSwatches; // per row: a colour chip before the first cell, or empty
    std::vector<int> emphasisedRows;  // e.g. the bottleneck stage
    QString note;                     // a line under the table
};

struct ReportChart {
    QString title;
    QString svg;     // a complete <svg> document
    QString caption; // what to read in it
};

// Charts shown next to each other where there is room (the HTML), one after another otherwise.
struct ReportChartRow {
    std::vector<ReportChart> charts;
};

using ReportBlock = std::variant<QString /* a paragraph */, ReportTable, ReportChart, ReportChartRow>;

struct ReportSection {
    QString title;
    std::vector<ReportBlock> blocks;
};

enum class ReportTone { Neutral, Good, Warning };

struct ReportDocument {
    QString kicker; // "Tandem timing report"
    QString title;
    QString subtitle; // when, what, where
    QString verdict;  // the one-line conclusion, first thing a reader sees
    ReportTone verdictTone = ReportTone::Neutral;
    std::vector<ReportFigure> figures;
    std::vector<ReportSection> sections;
    QString footer;
};

} // namespace tandem
