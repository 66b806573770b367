#include "timing/timing_log.h"

namespace tandem {

Q_LOGGING_CATEGORY(lcTiming, "tandem.timing")

} // namespace tandem
