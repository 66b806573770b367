// The app's look in one place: Fusion with a light or dark palette, and the colours of charts.
#pragma once

#include "common/stage.h"
#include "session/training_session.h"

#include <QColor>
#include <QIcon>
#include <QString>

QT_BEGIN_NAMESPACE
class QChart;
class QPalette;
QT_END_NAMESPACE

namespace tandem {

class Theme {
public:
    enum class Mode { Light, Dark };

    Theme() = delete;

    // Sets the style, palette and the few style-sheet rules the widgets share (cards, headings).
    static void apply(Mode mode);
    [[nodiscard]] static Mode mode();
    [[nodiscard]] static QString modeName(Mode mode);
    [[nodiscard]] static Mode modeFromName(const QString &name);

    // Icons from the app's resources: icon("start") is :/icons/start.svg.
    [[nodiscard]] static QIcon icon(const QString &name);

    [[nodiscard]] static QColor accent();
    [[nodiscard]] static QColor success();
    [[nodiscard]] static QColor warning();
    [[nodiscard]] static QColor error();
    [[nodiscard]] static QColor muted(); // secondary text
    // A colour per pipeline stage: the one palette of common/stage.h, which the report uses too.
    [[nodiscard]] static QColor stageColor(protocol::Stage stage);
    // Idle grey, busy blue, training green, paused amber, failed red.
    [[nodiscard]] static QColor stateColor(TrainingSession::State state);
    // A small filled circle, for state indicators.
    [[nodiscard]] static QPixmap dot(const QColor &color, int size = 10);
    // Mixes a colour into the base colour (tints for message backgrounds and badges).
    [[nodiscard]] static QColor tint(const QColor &color, double amount);

    // Background, text, grid and title fonts of a chart, from the current palette.
    static void styleChart(QChart *chart);
};

} // namespace tandem
