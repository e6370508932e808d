// When the program asks a running `latchkey agent` instead of working
// alone, and how it turns the agent's answer into its own output.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace latchkey::cli {

// The agent's socket when this run may use one: not with --set or
// --plugin-dir (the agent resolves its sites its own way), not when
// LATCHKEY_AGENT=off. nullopt: work alone.
std::optional<std::string> agent_socket(const Context& ctx);

// The site this run names itself (--at, else LATCHKEY_SITE); "" lets the
// agent use its policy's default, which is the same file's.
std::string named_site(const Context& ctx);

// The latchkey::ErrorKind an agent's error names (internal when unknown).
ErrorKind error_kind_named(const std::string& kind);

}  // namespace latchkey::cli
