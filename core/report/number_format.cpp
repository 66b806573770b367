#include "report/number_format.h"

#include "common/duration_format.h"

#include <QLocale>

#include <cmath>

namespace tandem {

namespace {

const QLocale &locale()
{
    static const QLocale english(QLocale::English, QLocale::UnitedKingdom);
    return english;
}

QString fromView(std::string_view view)
{
    return QString::fromUtf8(view.data(), qsizetype(view.size()));
}

} // namespace

QString NumberFormat::fixed(double value, int decimals)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    QString text = locale().toString(value, 'f', decimals);
    if (text.startsWith(QLatin1Char('-')))
        text.replace(0, 1, QChar(0x2212)); // a real minus sign
    return text;
}

QString NumberFormat::ms(double value, bool withUnit)
{
    const double magnitude = std::abs(value);
    const int decimals = magnitude < 1.0 ? 3 : magnitude < 10.0 ? 2 : magnitude < 100.0 ? 1 : 0;
    const QString number = fixed(value, decimals);
    return withUnit ? number + QStringLiteral(" ms") : number;
}

QString NumberFormat::seconds(double value)
{
    return formatDuration(value, DurationStyle::Words);
}

QString NumberFormat::integer(qint64 value)
{
    QString text = locale().toString(value);
    if (text.startsWith(QLatin1Char('-')))
        text.replace(0, 1, QChar(0x2212));
    return text;
}

QString NumberFormat::bytes(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    constexpr double kKiB = 1024.0;
    if (value < kKiB)
        return fixed(value, value < 10.0 ? 1 : 0) + QStringLiteral(" B");
    const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double scaled = value / kKiB;
    int unit = 0;
    while (scaled >= kKiB && unit < 3) {
        scaled /= kKiB;
        ++unit;
    }
    return fixed(scaled, scaled < 10.0 ? 2 : scaled < 100.0 ? 1 : 0) + QLatin1Char(' ') + QLatin1String(units[unit]);
}

QString NumberFormat::percent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("–");
    const double value = fraction * 100.0;
    return fixed(value, std::abs(value) < 10.0 && value != 0.0 ? 1 : 0) + QLatin1Char('%');
}

QString NumberFormat::factor(double value)
{
    return fixed(value, 2) + QChar(0x00D7);
}

QString NumberFormat::signedPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("–");
    const QString text = fixed(fraction * 100.0, 1) + QLatin1Char('%');
    return fraction > 0.0 ? QLatin1Char('+') + text : text;
}

QString NumberFormat::stageLabel(protocol::Stage stage)
{
    return fromView(protocol::stageInfo(stage).label);
}

QString NumberFormat::stageKey(protocol::Stage stage)
{
    return fromView(protocol::stageInfo(stage).key);
}

QString NumberFormat::hostLabel(protocol::Host host)
{
    switch (host) {
    case protocol::Host::Client: return QStringLiteral("desktop (client)");
    case protocol::Host::Network: return QStringLiteral("network");
    case protocol::Host::Agent: return QStringLiteral("agent"); // it may well run on a CPU
    }
    return QStringLiteral("unknown");
}

QString NumberFormat::hostKey(protocol::Host host)
{
    switch (host) {
    case protocol::Host::Client: return QStringLiteral("client");
    case protocol::Host::Network: return QStringLiteral("network");
    case protocol::Host::Agent: return QStringLiteral("agent");
    }
    return QStringLiteral("unknown");
}

} // namespace tandem
