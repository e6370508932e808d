// Which policy file a process uses, and loading it.
#pragma once

#include <optional>
#include <string>

#include "policy/policy.hpp"

namespace latchkey::policy {

// --config, else LATCHKEY_CONFIG, else $XDG_CONFIG_HOME/latchkey/config.toml
// (~/.config when unset). `explicit_choice` says whether the first two chose.
std::string policy_path(const std::optional<std::string>& flag, bool& explicit_choice);

// Loads the policy policy_path() names. A default path that does not exist
// is an empty policy; an explicitly chosen one must exist.
Policy load_policy(const std::optional<std::string>& flag);

}  // namespace latchkey::policy
