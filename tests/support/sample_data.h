// Test support: the real datasets the suites share, written once per build tree.
#pragma once

#include <QString>

namespace testsupport {

// Fashion-MNIST from Debian's dataset-fashion-mnist as PNG class folders (train/ and val/), cached
// in the build tree's testdata/ folder. Fails the calling test with the exporter's reason.
[[nodiscard]] QString fashionMnist(int trainPerClass, int valPerClass);

} // namespace testsupport
