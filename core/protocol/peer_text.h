// Text that came from a peer, made safe to log: control characters escaped so that a peer
// cannot forge log lines (a "\n" in its software string) or rewrite a terminal (ESC sequences).
#pragma once

#include <QString>

namespace tandem::protocol {

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidirectional
// overrides become visible escapes (\n, \r, \t, \xNN, \u{NNNN}); a backslash is doubled so that
// an escape cannot be faked. Cut to maxChars (with "…") so that one peer string cannot flood a log.
[[nodiscard]] QString printable(const QString &text, qsizetype maxChars = 256);

} // namespace tandem::protocol
