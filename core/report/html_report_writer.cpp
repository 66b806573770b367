#include "report/html_report_writer.h"

#include "report/report_file.h"

#include <algorithm>

namespace tandem {

namespace {

// Kept in one string so the file stays self-contained; print rules make "Save as PDF" work too.
const char *const kStyle = R"CSS(
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --panel: #f7f8fa; --accent: #2563eb; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #eef0f3; color: var(--ink);
  font: 15px/1.55 Inter, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1040px; margin: 32px auto; background: #fff; padding: 44px 48px 32px;
  border-radius: 10px; box-shadow: 0 1px 3px rgba(15, 23, 42, .08), 0 8px 24px rgba(15, 23, 42, .06); }
.kicker { text-transform: uppercase; letter-spacing: .09em; font-size: 12px; font-weight: 700; color: var(--accent); }
h1 { font-size: 30px; line-height: 1.2; margin: 6px 0 6px; letter-spacing: -.01em; }
.subtitle { color: var(--muted); margin: 0; }
.verdict { margin: 26px 0 22px; padding: 14px 18px; border-radius: 6px; border-left: 5px solid #7b8794;
  background: var(--panel); font-size: 17px; font-weight: 600; }
.verdict.good { border-color: #27ab83; background: #effcf6; }
.verdict.warning { border-color: #f0b429; background: #fffbea; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 0 0 8px; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 11px; }
.figure .label { font-size: 11.5px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
.figure .value { font-size: 22px; font-weight: 700; margin: 2px 0 1px; font-variant-numeric: tabular-nums; }
.figure .unit { font-size: 14px; font-weight: 600; color: var(--muted); }
.figure .note { font-size: 12.5px; color: var(--muted); line-height: 1.35; }
h2 { font-size: 21px; margin: 44px 0 12px; padding-bottom: 7px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 26px 0 8px; }
p { margin: 10px 0; max-width: 80ch; }
figure { margin: 22px 0 26px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; max-width: 90ch; }
.chart-row { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.chart-row figure { margin-top: 8px; }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; margin: 4px 0 6px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; border-bottom: 2px solid #cbd2d9; padding: 6px 10px; }
td { border-bottom: 1px solid var(--line); padding: 6px 10px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.emphasis td { background: #fffbea; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; vertical-align: 0; }
.table-note { font-size: 12.5px; color: var(--muted); margin: 4px 0 18px; }
.table-block { margin: 18px 0; overflow-x: auto; }
.settings { display: grid; grid-template-columns: 1fr 1fr; gap: 0 28px; }
.settings td:first-child { color: var(--muted); width: 45%; word-break: break-word; }
footer { margin-top: 44px; padding-top: 14px; border-top: 1px solid var(--line); font-size: 12.5px; color: var(--muted); }
@media (max-width: 760px) { main { padding: 24px 18px; margin: 0; border-radius: 0; }
  .figures { grid-template-columns: repeat(2, 1fr); } .chart-row, .settings { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; max-width: none; padding: 0; }
  h2 { break-after: avoid; } figure, .figure, tr { break-inside: avoid; } }
)CSS";

QString escape(const QString &text)
{
    return text.toHtmlEscaped();
}

bool isNumeric(const ReportTable &table, int column)
{
    return column < int(table.numeric.size()) && table.numeric[size_t(column)];
}

QString renderTable(const ReportTable &table)
{
    QString html = QStringLiteral("<div class=\"table-block\">");
    if (!table.title.isEmpty())
        html += QStringLiteral("<h3>%1</h3>").arg(escape(table.title));
    html += QStringLiteral("<table>\n<thead><tr>");
    for (int c = 0; c < table.header.size(); ++c) {
        html += QStringLiteral("<th%1>%2</th>")
                    .arg(isNumeric(table, c) ? QStringLiteral(" class=\"num\"") : QString(), escape(table.header[c]));
    }
    html += QStringLiteral("</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < table.rows.size(); ++r) {
        const bool emphasis =
            std::find(table.emphasisedRows.begin(), table.emphasisedRows.end(), int(r)) != table.emphasisedRows.end();
        html += emphasis ? QStringLiteral("<tr class=\"emphasis\">") : QStringLiteral("<tr>");
        const QStringList &row = table.rows[r];
        for (int c = 0; c < row.size(); ++c) {
            QString cell = escape(row[c]);
            if (c == 0 && r < table.rowSwatches.size() && !table.rowSwatches[r].isEmpty())
                cell =
                    QStringLiteral("<span class=\"swatch\" style=\"background:%1\"></span>").arg(table.rowSwatches[r]) +
                    cell;
            html += QStringLiteral("<td%1>%2</td>")
                        .arg(isNumeric(table, c) ? QStringLiteral(" class=\"num\"") : QString(), cell);
        }
        html += QStringLiteral("</tr>\n");
    }
    html += QStringLiteral("</tbody></table>");
    if (!table.note.isEmpty())
        html += QStringLiteral("<p class=\"table-note\">%1</p>").arg(escape(table.note));
    html += QStringLiteral("</div>\n");
    return html;
}

QString renderChart(const ReportChart &chart)
{
    QString html = QStringLiteral("<figure>");
    if (!chart.title.isEmpty())
        html += QStringLiteral("<h3>%1</h3>").arg(escape(chart.title));
    html += chart.svg; // generated by SvgCanvas, which escapes every text it writes
    if (!chart.caption.isEmpty())
        html += QStringLiteral("<figcaption>%1</figcaption>").arg(escape(chart.caption));
    html += QStringLiteral("</figure>\n");
    return html;
}

QString renderSection(const ReportSection &section)
{
    QString html = QStringLiteral("<section>\n<h2>%1</h2>\n").arg(escape(section.title));
    // Consecutive settings tables (two columns) read better in a grid.
    bool inGrid = false;
    for (const ReportBlock &block : section.blocks) {
        const auto *table = std::get_if<ReportTable>(&block);
        const bool settingsTable = table && table->header.size() == 2 && !isNumeric(*table, 1);
        if (settingsTable && !inGrid) {
            html += QStringLiteral("<div class=\"settings\">\n");
            inGrid = true;
        } else if (!settingsTable && inGrid) {
            html += QStringLiteral("</div>\n");
            inGrid = false;
        }
        if (const auto *paragraph = std::get_if<QString>(&block)) {
            html += QStringLiteral("<p>%1</p>\n").arg(escape(*paragraph));
        } else if (table) {
            html += renderTable(*table);
        } else if (const auto *chart = std::get_if<ReportChart>(&block)) {
            html += renderChart(*chart);
        } else if (const auto *row = std::get_if<ReportChartRow>(&block)) {
            html += QStringLiteral("<div class=\"chart-row\">\n");
            for (const ReportChart &rowChart : row->charts)
                html += renderChart(rowChart);
            html += QStringLiteral("</div>\n");
        }
    }
    if (inGrid)
        html += QStringLiteral("</div>\n");
    html += QStringLiteral("</section>\n");
    return html;
}

} // namespace

QByteArray HtmlReportWriter::render(const ReportDocument &document)
{
    QString html;
    html.reserve(256 * 1024);
    html += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                           "<meta name=\"generator\" content=\"Tandem\">\n<title>%1 · %2</title>\n<style>%3</style>\n"
                           "</head>\n<body>\n<main>\n<header>\n")
                .arg(escape(document.title), escape(document.kicker), QLatin1String(kStyle));
    html += QStringLiteral("<div class=\"kicker\">%1</div>\n<h1>%2</h1>\n<p class=\"subtitle\">%3</p>\n")
                .arg(escape(document.kicker), escape(document.title), escape(document.subtitle));
    html += QStringLiteral("</header>\n");
    if (!document.verdict.isEmpty()) {
        const QString tone = document.verdictTone == ReportTone::Good      ? QStringLiteral(" good")
                             : document.verdictTone == ReportTone::Warning ? QStringLiteral(" warning")
                                                                           : QString();
        html += QStringLiteral("<div class=\"verdict%1\">%2</div>\n").arg(tone, escape(document.verdict));
    }
    if (!document.figures.empty()) {
        html += QStringLiteral("<div class=\"figures\">\n");
        for (const ReportFigure &figure : document.figures) {
            const QString unit = figure.unit.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" <span class=\"unit\">%1</span>").arg(escape(figure.unit));
            html += QStringLiteral("<div class=\"figure\"><div class=\"label\">%1</div><div class=\"value\">%2%3</div>"
                                   "<div class=\"note\">%4</div></div>\n")
                        .arg(escape(figure.label), escape(figure.value), unit, escape(figure.note));
        }
        html += QStringLiteral("</div>\n");
    }
    for (const ReportSection &section : document.sections)
        html += renderSection(section);
    if (!document.footer.isEmpty())
        html += QStringLiteral("<footer>%1</footer>\n").arg(escape(document.footer));
    html += QStringLiteral("</main>\n</body>\n</html>\n");
    return html.toUtf8();
}

QString HtmlReportWriter::write(const ReportDocument &document, const QString &path)
{
    return ReportFile::write(path, render(document));
}

} // namespace tandem
