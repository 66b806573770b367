// Logging category of the report writers.
#pragma once

#include <QLoggingCategory>

namespace tandem {

Q_DECLARE_LOGGING_CATEGORY(lcReport)

} // namespace tandem
