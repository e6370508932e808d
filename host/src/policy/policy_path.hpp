// Which policy file a process uses. Apart from loading it (policy_location.hpp)
// because the front door (host/front) needs the path and nothing else.
#pragma once

#include <optional>
#include <string>

namespace latchkey::policy {

// --config, else LATCHKEY_CONFIG, else $XDG_CONFIG_HOME/latchkey/config.toml
// (~/.config when unset). `explicit_choice` says whether the first two chose.
std::string policy_path(const std::optional<std::string>& flag, bool& explicit_choice);

}  // namespace latchkey::policy
