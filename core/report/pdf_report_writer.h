// Typesets a ReportDocument as an A4 PDF: QTextDocument for text and tables, charts as vectors.
#pragma once

#include "report/report_document.h"

#include <QString>

namespace tandem {

// Needs a QGuiApplication (fonts, QSvgRenderer): headless commands create one with the
// "offscreen" platform (QT_QPA_PLATFORM=offscreen or -platform offscreen). Without one, write()
// returns an error instead of crashing.
class PdfReportWriter {
public:
    struct Options {
        // The chartWidth the document's charts were built with (see ReportBuilder::Options): it
        // maps onto the text width, so that chart text prints at about 8 pt.
        double chartWidth = 720.0;
        int resolution = 300;
    };

    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const ReportDocument &document, const QString &path, const Options &options);
};

} // namespace tandem
