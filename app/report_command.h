// `tandem report`: export a saved run's reports again, or compare two runs side by side.
#pragma once

#include <QStringList>

namespace tandem {

[[nodiscard]] int runReportCommand(const QStringList &arguments);

} // namespace tandem
