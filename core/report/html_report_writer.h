// Renders a ReportDocument as one self-contained HTML file: inline CSS and SVG, no external assets.
#pragma once

#include "report/report_document.h"

#include <QByteArray>
#include <QString>

namespace tandem {

class HtmlReportWriter {
public:
    [[nodiscard]] static QByteArray render(const ReportDocument &document);
    // Returns the error message, empty on success.
    [[nodiscard]] static QString write(const ReportDocument &document, const QString &path);
};

} // namespace tandem
