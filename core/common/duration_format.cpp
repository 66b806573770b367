#include "common/duration_format.h"

#include <cmath>

namespace tandem {

namespace {
QString twoDigits(qint64 value)
{
    return QStringLiteral("%1").arg(value, 2, 10, QLatin1Char('0'));
}
} // namespace

QString formatDuration(double seconds, DurationStyle style)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    if (style == DurationStyle::Clock) {
        const auto s = qint64(std::floor(seconds)); // a clock shows the second it is in
        if (s >= 3600)
            return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(twoDigits((s / 60) % 60), twoDigits(s % 60));
        return QStringLiteral("%1:%2").arg(s / 60).arg(twoDigits(s % 60));
    }
    if (seconds < 9.995) // below this, two decimals still round under 10
        return QString::number(seconds, 'f', 2) + QStringLiteral(" s");
    if (seconds < 59.95)
        return QString::number(seconds, 'f', 1) + QStringLiteral(" s");
    const auto total = qint64(std::llround(seconds));
    if (total < 3600)
        return QStringLiteral("%1 min %2 s").arg(total / 60).arg(twoDigits(total % 60));
    return QStringLiteral("%1 h %2 min").arg(total / 3600).arg(twoDigits((total % 3600) / 60));
}

} // namespace tandem
