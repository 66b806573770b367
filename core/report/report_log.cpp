#include "report/report_log.h"

namespace tandem {

Q_LOGGING_CATEGORY(lcReport, "tandem.report")

} // namespace tandem
