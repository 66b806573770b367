// Shared by the connector tests: what every direction must hand over once it reports connected.
#pragma once

#include "message_socket.h"
#include "transport/agent_connector.h"

#include <QString>

#include <optional>

namespace testsupport {

// Empty when the connection is a Ready, configured session of the small CNN with credits to spend,
// else a sentence that says what is wrong with it.
[[nodiscard]] inline QString connectionProblem(const std::optional<tandem::AgentConnection> &connection)
{
    if (!connection)
        return QStringLiteral("no connection was handed over");
    if (!connection->socket)
        return QStringLiteral("the connection has no socket");
    if (connection->socket->state() != tandem::protocol::MessageSocket::State::Ready)
        return QStringLiteral("the socket is not Ready");
    if (connection->info.model != QLatin1String("cnn"))
        return QStringLiteral("the agent reports the model '%1', not cnn").arg(connection->info.model);
    if (connection->info.credits <= 0)
        return QStringLiteral("the agent granted no credits");
    return {};
}

} // namespace testsupport
