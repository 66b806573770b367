// Logging category of the timing area: clock offset estimation, summaries, session files.
#pragma once

#include <QLoggingCategory>

namespace tandem {

Q_DECLARE_LOGGING_CATEGORY(lcTiming)

} // namespace tandem
