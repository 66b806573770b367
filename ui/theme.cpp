#include "theme.h"

#include <QApplication>
#include <QChart>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QStyleFactory>
#include <QValueAxis>

// Resources of a static library are registered explicitly, outside any namespace.
static void initTandemResources()
{
    Q_INIT_RESOURCE(tandem);
}

namespace tandem {

namespace {
Theme::Mode g_mode = Theme::Mode::Light;

QPalette lightPalette()
{
    QPalette p;
    const QColor window(0xf4, 0xf5, 0xf7);
    const QColor text(0x1f, 0x29, 0x37);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0x1f, 0x29, 0x37));
    p.setColor(QPalette::ToolTipText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x94, 0xa3, 0xb8));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xfb, 0xfb, 0xfc));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe5, 0xe7, 0xeb));
    p.setColor(QPalette::Mid, QColor(0xd1, 0xd5, 0xdb));
    p.setColor(QPalette::Dark, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Shadow, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Highlight, QColor(0x25, 0x63, 0xeb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x25, 0x63, 0xeb));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9c, 0xa3, 0xaf));
    return p;
}

QPalette darkPalette()
{
    // Fields and cards a step lighter than the window, so their edges read without heavy frames.
    QPalette p;
    const QColor window(0x1b, 0x1e, 0x24);
    const QColor text(0xe5, 0xe7, 0xeb);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x24, 0x28, 0x31));
    p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x30, 0x3a));
    p.setColor(QPalette::ToolTipBase, QColor(0x2d, 0x32, 0x3c));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2d, 0x32, 0x3c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x4a, 0x51, 0x60));
    p.setColor(QPalette::Midlight, QColor(0x35, 0x3a, 0x45));
    p.setColor(QPalette::Mid, QColor(0x3d, 0x43, 0x50));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x18));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xf6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x60, 0xa5, 0xfa));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x72, 0x80));
    return p;
}

// Shared by every widget: "card" frames, headings, muted captions, big figures.
const char *kStyleSheet = R"(
QFrame[card="true"] { background: palette(base); border: 1px solid palette(midlight); border-radius: 8px; }
QLabel[role="heading"] { font-weight: 600; font-size: 11pt; }
QLabel[role="caption"] { color: %1; }
QLabel[role="figure"] { font-size: 17pt; font-weight: 600; }
QToolBar { spacing: 4px; border: none; padding: 2px 6px; }
QTabWidget::pane { border: none; }
QStatusBar::item { border: none; }
QPushButton[primary="true"] { background: #2563eb; color: white; border: 1px solid #1d4ed8; border-radius: 4px; padding: 5px 14px; font-weight: 600; }
QPushButton[primary="true"]:hover { background: #1d4ed8; }
QPushButton[primary="true"]:disabled { background: palette(midlight); color: %1; border-color: palette(mid); }
)";
} // namespace

void Theme::apply(Mode mode)
{
    initTandemResources();
    g_mode = mode;
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(mode == Mode::Dark ? darkPalette() : lightPalette());
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        app->setStyleSheet(QString::fromLatin1(kStyleSheet).arg(muted().name()));
}

Theme::Mode Theme::mode()
{
    return g_mode;
}

QString Theme::modeName(Mode mode)
{
    return mode == Mode::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

Theme::Mode Theme::modeFromName(const QString &name)
{
    return name == QLatin1String("dark") ? Mode::Dark : Mode::Light;
}

QIcon Theme::icon(const QString &name)
{
    initTandemResources();
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(name));
}

QColor Theme::accent()
{
    return g_mode == Mode::Dark ? QColor(0x60, 0xa5, 0xfa) : QColor(0x25, 0x63, 0xeb);
}
QColor Theme::success()
{
    return QColor(0x16, 0xa3, 0x4a);
}
QColor Theme::warning()
{
    return QColor(0xd9, 0x77, 0x06);
}
QColor Theme::error()
{
    return QColor(0xdc, 0x26, 0x26);
}
QColor Theme::muted()
{
    return g_mode == Mode::Dark ? QColor(0x9c, 0xa3, 0xaf) : QColor(0x6b, 0x72, 0x80);
}

QColor Theme::stageColor(protocol::Stage stage)
{
    // The one stage palette (common/stage.h), shared with the exported report.
    return QColor::fromRgb(QRgb(0xff000000U | protocol::stageInfo(stage).rgb));
}

QColor Theme::stateColor(TrainingSession::State state)
{
    using State = TrainingSession::State;
    switch (state) {
    case State::Training: return success();
    case State::Finished: return success();
    case State::Paused: return warning();
    case State::Failed: return error();
    case State::Indexing:
    case State::StartingAgent:
    case State::WaitingForAgent:
    case State::Connecting:
    case State::Configuring:
    case State::Finishing: return accent();
    case State::Idle:
    case State::Stopped: break;
    }
    return QColor(0x94, 0xa3, 0xb8);
}

QPixmap Theme::dot(const QColor &color, int size)
{
    const qreal ratio = qApp ? qApp->devicePixelRatio() : 1.0;
    QPixmap pixmap(QSize(size, size) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    return pixmap;
}

QColor Theme::tint(const QColor &color, double amount)
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    auto mix = [amount](int a, int b) { return int(a + (b - a) * amount + 0.5); };
    return QColor(mix(base.red(), color.red()), mix(base.green(), color.green()), mix(base.blue(), color.blue()));
}

void Theme::styleChart(QChart *chart)
{
    const QPalette palette = QApplication::palette();
    const QColor text = palette.color(QPalette::Text);
    const QColor grid = palette.color(QPalette::Midlight);
    const QColor axisLine = palette.color(QPalette::Mid);
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setAnimationOptions(QChart::NoAnimation); // live data: every redraw is final
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(QApplication::font().pointSizeF() + 0.5);
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    QFont small = QApplication::font();
    small.setPointSizeF(small.pointSizeF() - 0.5);
    chart->legend()->setFont(small);
    const QList<QAbstractAxis *> axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        axis->setLabelsColor(text);
        axis->setLabelsFont(small);
        axis->setTitleBrush(muted());
        axis->setTitleFont(small);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(axisLine);
    }
}

} // namespace tandem
