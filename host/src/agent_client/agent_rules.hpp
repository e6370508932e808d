// What the library's Host and the `latchkey` program decide alike about a
// running agent: whether to ask one at all, and an error the agent reports
// for a site, raised as the caller would raise it working alone. Part of
// liblatchkey (it uses the public headers only, so the program includes it
// too); the front door, linked with nothing of the library, does not.
#pragma once

#include <latchkey/error.hpp>
#include <latchkey/host.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "agent_client.hpp"

namespace latchkey::agent {

// The socket of the agent a host opened with `options` asks, or nullopt when
// it works alone: HostOptions::ask_agent off, `sets` or `plugin_dirs` given
// (the agent resolves its sites its own way), or LATCHKEY_AGENT=off.
std::optional<std::string> agent_socket_for(const HostOptions& options);

// The latchkey::ErrorKind an agent's error names (internal when unknown).
ErrorKind error_kind_named(std::string_view kind);

// The agent's error for a site as a latchkey::Error: kind, message, policy
// position and next command.
Error site_error(const AgentError& e);

}  // namespace latchkey::agent
