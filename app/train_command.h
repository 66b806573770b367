// `tandem train`: the whole loop, headless, with a terminal progress bar and a final summary.
#pragma once

#include <QStringList>

namespace tandem {

// arguments[0] is the program name, arguments[1] "train". Returns the process exit code.
[[nodiscard]] int runTrainCommand(const QStringList &arguments);

} // namespace tandem
