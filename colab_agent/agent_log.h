// The agent's logging category ("tandem.agent") and its few lines for people on stdout.
#pragma once

#include <QLoggingCategory>
#include <QString>

namespace tandem::agent {

Q_DECLARE_LOGGING_CATEGORY(lcAgent)

// One line on stdout, flushed at once: the app and the tests read these lines (the
// "tandem-agent listening on ..." line is a contract), and Colab shows them live.
void printLine(const QString &line);

} // namespace tandem::agent
