// Formats figures for people, the same way in every report (English grouping, fixed units).
#pragma once

#include "protocol/messages.h"

#include <QString>

namespace tandem {

class NumberFormat {
public:
    // 0.123 ms, 1.23 ms, 12.3 ms, 1,234 ms: three significant digits, no unit when withUnit is false.
    [[nodiscard]] static QString ms(double value, bool withUnit = true);
    // 4.83 s, 48.6 s, 12 min 05 s, 1 h 02 min: formatDuration(value, DurationStyle::Words).
    [[nodiscard]] static QString seconds(double value);
    [[nodiscard]] static QString integer(qint64 value);
    // A number with `decimals` decimals and thousands grouping.
    [[nodiscard]] static QString fixed(double value, int decimals);
    [[nodiscard]] static QString bytes(double value);            // 812 B, 3.1 KiB, 2.9 MiB, 1.2 GiB
    [[nodiscard]] static QString percent(double fraction);       // 0.712 → 71%
    [[nodiscard]] static QString factor(double value);           // 2.70×
    [[nodiscard]] static QString signedPercent(double fraction); // +12.3%, −4.0%
    [[nodiscard]] static QString stageLabel(protocol::Stage stage);
    [[nodiscard]] static QString stageKey(protocol::Stage stage);
    [[nodiscard]] static QString hostLabel(protocol::Host host); // "desktop (client)"
    [[nodiscard]] static QString hostKey(protocol::Host host);   // "client"
};

} // namespace tandem
