#include "agent_log.h"

#include <cstdio>

namespace tandem::agent {

Q_LOGGING_CATEGORY(lcAgent, "tandem.agent")

void printLine(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

} // namespace tandem::agent
