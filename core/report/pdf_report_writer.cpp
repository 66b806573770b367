#include "report/pdf_report_writer.h"

#include "report/report_log.h"
#include "report/svg_text_object.h"

#include <QAbstractTextDocumentLayout>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgRenderer>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

#include <algorithm>
#include <cmath>

namespace tandem {

namespace {

const QColor kInk(0x1f, 0x29, 0x33);
const QColor kMuted(0x61, 0x6e, 0x7c);
const QColor kLine(0xe4, 0xe7, 0xeb);
const QColor kStrongLine(0xcb, 0xd2, 0xd9);
const QColor kPanel(0xf7, 0xf8, 0xfa);
const QColor kAccent(0x25, 0x63, 0xeb);
const QColor kEmphasis(0xff, 0xfb, 0xea);

// On a heading: the space (device pixels) that must follow it on the same page.
constexpr int kKeepWithNextProperty = QTextFormat::UserProperty + 100;

// Builds the QTextDocument; all lengths in the PDF writer's device pixels.
class Typesetter {
public:
    Typesetter(QTextDocument *document, double dpi, double chartScale)
        : m_document(document), m_cursor(document), m_dpi(dpi), m_chartScale(chartScale)
    {
    }

    void build(const ReportDocument &report)
    {
        // One edit block: the layout runs once at the end instead of after every insertion.
        m_cursor.beginEditBlock();
        QTextCharFormat kicker = text(7.5, kAccent, true);
        kicker.setFontCapitalization(QFont::AllUppercase);
        kicker.setFontLetterSpacing(108);
        firstBlock(0, mm(1));
        m_cursor.insertText(report.kicker, kicker);
        block(0, mm(1));
        m_cursor.insertText(report.title, text(19, kInk, true));
        block(0, mm(5));
        m_cursor.insertText(report.subtitle, text(9, kMuted));
        if (!report.verdict.isEmpty())
            verdict(report);
        if (!report.figures.empty())
            figures(report.figures);
        for (const ReportSection &section : report.sections)
            this->section(section);
        if (!report.footer.isEmpty()) {
            block(mm(8), 0);
            m_cursor.insertText(report.footer, text(7.5, kMuted));
        }
        m_cursor.endEditBlock();
    }

private:
    // Lengths in text formats (margins, padding, borders) are in 1/96 inch: QTextDocumentLayout
    // scales them to the paint device. Object sizes and page positions are in device pixels.
    [[nodiscard]] static double mm(double millimetres) { return millimetres * 96.0 / 25.4; }
    [[nodiscard]] double deviceMm(double millimetres) const { return millimetres * m_dpi / 25.4; }

    static QTextCharFormat text(double points, const QColor &colour, bool bold = false)
    {
        QTextCharFormat format;
        format.setFontPointSize(points);
        format.setForeground(colour);
        format.setFontWeight(bold ? QFont::Bold : QFont::Normal);
        return format;
    }

    void firstBlock(double top, double bottom)
    {
        QTextBlockFormat format;
        format.setTopMargin(top);
        format.setBottomMargin(bottom);
        m_cursor.setBlockFormat(format);
    }

    // Text blocks get a comfortable line height; a block holding a chart must not (the extra
    // height would be a proportion of the chart's).
    void block(double top, double bottom, Qt::Alignment alignment = Qt::AlignLeft, double keepWithNext = 0.0,
               bool text = true)
    {
        QTextBlockFormat format;
        format.setTopMargin(top);
        format.setBottomMargin(bottom);
        format.setAlignment(alignment);
        if (text)
            format.setLineHeight(118, QTextBlockFormat::ProportionalHeight);
        if (keepWithNext > 0.0)
            format.setProperty(kKeepWithNextProperty, keepWithNext);
        m_cursor.insertBlock(format, QTextCharFormat());
    }

    void verdict(const ReportDocument &report)
    {
        QColor border(0x7b, 0x87, 0x94);
        QColor background = kPanel;
        if (report.verdictTone == ReportTone::Good) {
            border = QColor(0x27, 0xab, 0x83);
            background = QColor(0xef, 0xfc, 0xf6);
        } else if (report.verdictTone == ReportTone::Warning) {
            border = QColor(0xf0, 0xb4, 0x29);
            background = kEmphasis;
        }
        QTextTableFormat format;
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setBorder(0);
        format.setCellSpacing(0);
        format.setCellPadding(mm(3));
        format.setTopMargin(mm(4));
        format.setBottomMargin(mm(4));
        QTextTable *table = m_cursor.insertTable(1, 1, format);
        QTextTableCellFormat cell;
        cell.setBackground(background);
        cell.setLeftBorder(mm(1.2));
        cell.setLeftBorderBrush(border);
        cell.setLeftBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        cell.setLeftPadding(mm(4));
        table->cellAt(0, 0).setFormat(cell);
        QTextCursor inside = table->cellAt(0, 0).firstCursorPosition();
        inside.insertText(report.verdict, text(10.5, kInk, true));
        m_cursor.movePosition(QTextCursor::End);
    }

    void figures(const std::vector<ReportFigure> &figures)
    {
        constexpr int kColumns = 4;
        const int rows = int((figures.size() + kColumns - 1) / kColumns);
        QTextTableFormat format;
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setBorder(0);
        format.setCellSpacing(mm(2));
        format.setCellPadding(mm(2.2));
        format.setBorderCollapse(false);
        QVector<QTextLength> widths(kColumns, QTextLength(QTextLength::PercentageLength, 25));
        format.setColumnWidthConstraints(widths);
        QTextTable *table = m_cursor.insertTable(rows, kColumns, format);
        for (size_t i = 0; i < figures.size(); ++i) {
            QTextTableCell cell = table->cellAt(int(i) / kColumns, int(i) % kColumns);
            QTextTableCellFormat cellFormat;
            cellFormat.setBorder(mm(0.25));
            cellFormat.setBorderBrush(kLine);
            cellFormat.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            cell.setFormat(cellFormat);
            QTextCursor inside = cell.firstCursorPosition();
            QTextCharFormat label = text(6.5, kMuted, true);
            label.setFontCapitalization(QFont::AllUppercase);
            label.setFontLetterSpacing(105);
            inside.insertText(figures[i].label, label);
            QTextBlockFormat valueBlock;
            valueBlock.setTopMargin(mm(0.6));
            inside.insertBlock(valueBlock);
            inside.insertText(figures[i].value, text(12, kInk, true));
            if (!figures[i].unit.isEmpty())
                inside.insertText(QLatin1Char(' ') + figures[i].unit, text(8, kMuted, true));
            QTextBlockFormat noteBlock;
            noteBlock.setTopMargin(mm(0.4));
            inside.insertBlock(noteBlock);
            inside.insertText(figures[i].note, text(7, kMuted));
        }
        m_cursor.movePosition(QTextCursor::End);
    }

    void section(const ReportSection &section)
    {
        // Keep the heading with the start of what follows: its first chart, or a few lines.
        double following = deviceMm(30);
        if (!section.blocks.empty()) {
            if (const auto *chart = std::get_if<ReportChart>(&section.blocks.front()))
                following = chartSize(chart->svg).height() + deviceMm(12);
        }
        block(mm(8), mm(0.5), Qt::AlignLeft, following + deviceMm(4));
        m_cursor.insertText(section.title, text(13.5, kInk, true));
        QTextBlockFormat rule;
        rule.setProperty(QTextFormat::BlockTrailingHorizontalRulerWidth,
                         QTextLength(QTextLength::PercentageLength, 100));
        rule.setBottomMargin(mm(1.5));
        m_cursor.insertBlock(rule, text(2, kInk));
        for (const ReportBlock &item : section.blocks) {
            if (const auto *paragraph = std::get_if<QString>(&item)) {
                block(mm(1), mm(1.5));
                m_cursor.insertText(*paragraph, text(9, kInk));
            } else if (const auto *table = std::get_if<ReportTable>(&item)) {
                this->table(*table);
            } else if (const auto *chart = std::get_if<ReportChart>(&item)) {
                this->chart(*chart);
            } else if (const auto *row = std::get_if<ReportChartRow>(&item)) {
                chartRow(*row);
            }
        }
    }

    [[nodiscard]] QSizeF chartSize(const QString &svg) const
    {
        const QSvgRenderer renderer(svg.toUtf8());
        const QSizeF size = renderer.viewBoxF().size();
        return size * m_chartScale;
    }

    void chart(const ReportChart &chart)
    {
        const QSizeF size = chartSize(chart.svg);
        if (!chart.title.isEmpty()) {
            block(mm(4), mm(1.5), Qt::AlignLeft, size.height() + deviceMm(2));
            m_cursor.insertText(chart.title, text(10, kInk, true));
        }
        block(0, mm(1), Qt::AlignLeft, 0.0, false);
        m_cursor.insertText(QString(QChar::ObjectReplacementCharacter), SvgTextObject::format(chart.svg, size));
        if (!chart.caption.isEmpty()) {
            block(0, mm(3));
            m_cursor.insertText(chart.caption, text(7.5, kMuted));
        }
    }

    void chartRow(const ReportChartRow &row)
    {
        if (row.charts.empty())
            return;
        QTextTableFormat format;
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setBorder(0);
        format.setCellSpacing(0);
        format.setCellPadding(mm(0.5));
        format.setTopMargin(mm(3));
        format.setBottomMargin(mm(3));
        QTextTable *table = m_cursor.insertTable(1, int(row.charts.size()), format);
        for (size_t i = 0; i < row.charts.size(); ++i) {
            QTextCursor inside = table->cellAt(0, int(i)).firstCursorPosition();
            inside.insertText(row.charts[i].title, text(8.5, kInk, true));
            QTextBlockFormat chartBlock;
            chartBlock.setTopMargin(mm(1));
            inside.insertBlock(chartBlock);
            inside.insertText(QString(QChar::ObjectReplacementCharacter),
                              SvgTextObject::format(row.charts[i].svg, chartSize(row.charts[i].svg)));
        }
        m_cursor.movePosition(QTextCursor::End);
    }

    void table(const ReportTable &table)
    {
        const double rowHeight = deviceMm(6);
        if (!table.title.isEmpty()) {
            block(mm(4), mm(1.5), Qt::AlignLeft, rowHeight * double(std::min<size_t>(table.rows.size(), 4) + 1));
            m_cursor.insertText(table.title, text(10, kInk, true));
        }
        const int columns = int(table.header.size());
        QTextTableFormat format;
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setBorder(0);
        format.setCellSpacing(0);
        format.setCellPadding(mm(1.1));
        format.setBorderCollapse(true);
        format.setHeaderRowCount(1);
        format.setTopMargin(mm(1));
        format.setBottomMargin(mm(1));
        if (columns == 2) {
            format.setColumnWidthConstraints(
                {QTextLength(QTextLength::PercentageLength, 38), QTextLength(QTextLength::PercentageLength, 62)});
        }
        QTextTable *textTable = m_cursor.insertTable(int(table.rows.size()) + 1, columns, format);
        auto numeric = [&table](int column) {
            return column < int(table.numeric.size()) && table.numeric[size_t(column)];
        };
        auto fill = [&](int row, int column, const QString &content, const QTextCharFormat &charFormat,
                        const QColor &background, double bottomBorder, const QColor &borderColour) {
            QTextTableCell cell = textTable->cellAt(row, column);
            QTextTableCellFormat cellFormat;
            if (background.isValid())
                cellFormat.setBackground(background);
            cellFormat.setBottomBorder(bottomBorder);
            cellFormat.setBottomBorderBrush(borderColour);
            cellFormat.setBottomBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            cellFormat.setTopBorder(0);
            cellFormat.setLeftBorder(0);
            cellFormat.setRightBorder(0);
            cell.setFormat(cellFormat);
            QTextCursor inside = cell.firstCursorPosition();
            QTextBlockFormat alignment;
            alignment.setAlignment(numeric(column) ? Qt::AlignRight : Qt::AlignLeft);
            inside.setBlockFormat(alignment);
            if (column == 0 && row > 0 && size_t(row - 1) < table.rowSwatches.size() &&
                !table.rowSwatches[size_t(row - 1)].isEmpty()) {
                inside.insertText(QStringLiteral("\u25A0 "),
                                  text(charFormat.fontPointSize(), QColor(table.rowSwatches[size_t(row - 1)])));
            }
            inside.insertText(content, charFormat);
        };
        QTextCharFormat header = text(6.8, kMuted, true);
        header.setFontCapitalization(QFont::AllUppercase);
        for (int c = 0; c < columns; ++c)
            fill(0, c, table.header[c], header, QColor(), mm(0.4), kStrongLine);
        for (size_t r = 0; r < table.rows.size(); ++r) {
            const bool emphasis = std::find(table.emphasisedRows.begin(), table.emphasisedRows.end(), int(r)) !=
                                  table.emphasisedRows.end();
            const QTextCharFormat body = text(8.2, columns == 2 && !emphasis ? kInk : kInk, emphasis);
            for (int c = 0; c < columns && c < table.rows[r].size(); ++c) {
                QTextCharFormat cellText = body;
                if (columns == 2 && c == 0)
                    cellText.setForeground(kMuted);
                fill(int(r) + 1, c, table.rows[r][c], cellText, emphasis ? kEmphasis : QColor(), mm(0.2), kLine);
            }
        }
        m_cursor.movePosition(QTextCursor::End);
        if (!table.note.isEmpty()) {
            block(mm(0.5), mm(3));
            m_cursor.insertText(table.note, text(7.5, kMuted));
        }
    }

    QTextDocument *m_document;
    QTextCursor m_cursor;
    double m_dpi;
    double m_chartScale;
};

// Moves a heading to the next page when what must follow it would not fit below it.
void keepHeadingsWithNext(QTextDocument *document, double pageHeight)
{
    QAbstractTextDocumentLayout *layout = document->documentLayout();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        const QTextBlockFormat format = block.blockFormat();
        if (!format.hasProperty(kKeepWithNextProperty) || format.pageBreakPolicy() != QTextFormat::PageBreak_Auto)
            continue;
        const double needed = std::min(format.doubleProperty(kKeepWithNextProperty), pageHeight * 0.6);
        const QRectF rect = layout->blockBoundingRect(block);
        const double page = std::floor(rect.top() / pageHeight);
        const double top = rect.top() - page * pageHeight;
        const double spaceBelow = pageHeight - (rect.bottom() - page * pageHeight);
        if (top > pageHeight * 0.05 && spaceBelow < needed) {
            QTextBlockFormat moved;
            moved.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
            moved.setTopMargin(0);
            QTextCursor(block).mergeBlockFormat(moved);
        }
    }
}

} // namespace

QString PdfReportWriter::write(const ReportDocument &document, const QString &path, const Options &options)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        return QStringLiteral("cannot write %1: PDF export needs a QGuiApplication (run headless commands with "
                              "QT_QPA_PLATFORM=offscreen)")
            .arg(path);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());

    const double dpi = options.resolution;
    auto mm = [dpi](double millimetres) { return millimetres * dpi / 25.4; };
    int pages = 0;
    {
        QPdfWriter writer(&file);
        writer.setResolution(options.resolution);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(17, 12, 17, 12),
                                         QPageLayout::Millimeter));
        writer.setTitle(document.title);
        writer.setCreator(QStringLiteral("Tandem"));

        const QRectF paint = writer.pageLayout().paintRectPixels(options.resolution);
        const double headerHeight = mm(10);
        const double footerHeight = mm(10);
        const QRectF body(0, headerHeight, paint.width(), paint.height() - headerHeight - footerHeight);

        QTextDocument text;
        text.documentLayout()->setPaintDevice(&writer);
        text.documentLayout()->registerHandler(SvgTextObject::kObjectType, new SvgTextObject(&text));
        QFont font;
        font.setFamilies({QStringLiteral("Inter"), QStringLiteral("Noto Sans"), QStringLiteral("Liberation Sans"),
                          QStringLiteral("DejaVu Sans"), QStringLiteral("Arial")});
        font.setPointSizeF(9);
        text.setDefaultFont(font);
        text.setDocumentMargin(0);
        text.setPageSize(body.size());
        Typesetter(&text, dpi, body.width() / options.chartWidth).build(document);
        keepHeadingsWithNext(&text, body.height());

        QPainter painter;
        if (!painter.begin(&writer))
            return QStringLiteral("cannot write %1: the PDF painter did not start").arg(path);
        pages = text.pageCount();
        QAbstractTextDocumentLayout::PaintContext context;
        context.palette.setColor(QPalette::Text, kInk);
        context.palette.setColor(QPalette::Dark, kLine);
        QFont small = font;
        small.setPointSizeF(7.5);
        for (int page = 0; page < pages; ++page) {
            if (page > 0)
                writer.newPage();
            painter.save();
            painter.setClipRect(body);
            painter.translate(body.left(), body.top() - page * body.height());
            context.clip = QRectF(0, page * body.height(), body.width(), body.height());
            text.documentLayout()->draw(&painter, context);
            painter.restore();

            painter.setFont(small);
            painter.setPen(kMuted);
            if (page > 0) {
                const QRectF header(0, 0, body.width(), headerHeight - mm(3));
                painter.drawText(header, Qt::AlignLeft | Qt::AlignBottom,
                                 document.kicker + QStringLiteral(" · ") + document.title);
                painter.setPen(QPen(kLine, std::max(1.0, mm(0.2))));
                painter.drawLine(QPointF(0, headerHeight - mm(1.5)), QPointF(body.width(), headerHeight - mm(1.5)));
                painter.setPen(kMuted);
            }
            const QRectF footer(0, body.bottom() + mm(3), body.width(), footerHeight - mm(3));
            painter.drawText(footer, Qt::AlignRight | Qt::AlignTop,
                             QStringLiteral("Page %1 of %2").arg(page + 1).arg(pages));
            painter.drawText(footer, Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Tandem"));
        }
        painter.end();
    }
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    qCDebug(lcReport) << "wrote" << path << pages << "pages";
    return {};
}

} // namespace tandem
