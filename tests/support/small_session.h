// Test support: the smallest session a real agent accepts (two classes, 28×28 grey, the CPU).
#pragma once

#include "session_config.h"

namespace testsupport {

[[nodiscard]] inline QByteArray smallSessionConfigJson()
{
    tandem::protocol::SessionConfig c;
    c.model = QStringLiteral("cnn");
    c.classNames = {QStringLiteral("a"), QStringLiteral("b")};
    c.channels = 1;
    c.height = 28;
    c.width = 28;
    c.batchSize = 8;
    c.epochs = 1;
    c.mean = {0.5, 0.5, 0.5};
    c.std = {0.5, 0.5, 0.5};
    c.device = QStringLiteral("cpu");
    c.stepsPerEpoch = 1;
    return c.toJson();
}

} // namespace testsupport
