// `tandem sample-data`: Fashion-MNIST from Debian's dataset-fashion-mnist as PNG class folders.
#pragma once

#include <QStringList>

namespace tandem {

[[nodiscard]] int runSampleDataCommand(const QStringList &arguments);

} // namespace tandem
