// Turns a connection error into a sentence that says what went wrong and what to do about it.
#pragma once

#include "message_socket.h"

#include <QString>

namespace tandem {

[[nodiscard]] QString describeConnectionError(protocol::ConnectionError error, const QString &detail);

} // namespace tandem
