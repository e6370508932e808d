// Which policy file a process uses, and loading it.
#pragma once

#include <optional>
#include <string>

#include "policy/policy.hpp"
#include "policy/policy_path.hpp"

namespace latchkey::policy {

// Loads the policy policy_path() names. A default path that does not exist
// is an empty policy; an explicitly chosen one must exist.
Policy load_policy(const std::optional<std::string>& flag);

}  // namespace latchkey::policy
