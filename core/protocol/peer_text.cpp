#include "peer_text.h"

namespace tandem::protocol {

namespace {
bool needsEscape(char16_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}
} // namespace

// Hand-written: Qt has no escaping function for log text (QDebug's quoting escapes only when
// quoted, and the agent's printLine lines are not QDebug).
QString printable(const QString &text, qsizetype maxChars)
{
    QString out;
    out.reserve(qMin(text.size(), maxChars) + 8);
    for (const QChar qc : text) {
        if (out.size() >= maxChars) {
            out += QChar(0x2026);
            break;
        }
        const char16_t c = qc.unicode();
        switch (c) {
        case u'\n': out += QLatin1String("\\n"); continue;
        case u'\r': out += QLatin1String("\\r"); continue;
        case u'\t': out += QLatin1String("\\t"); continue;
        case u'\\': out += QLatin1String("\\\\"); continue;
        default: break;
        }
        if (!needsEscape(c)) {
            out += qc;
        } else if (c <= 0xFF) {
            out += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
        } else {
            out += QStringLiteral("\\u{%1}").arg(uint(c), 4, 16, QLatin1Char('0'));
        }
    }
    return out;
}

} // namespace tandem::protocol
