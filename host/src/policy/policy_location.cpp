#include "policy/policy_location.hpp"

#include <filesystem>

namespace latchkey::policy {

Policy load_policy(const std::optional<std::string>& flag) {
    bool explicit_choice = false;
    std::string path = policy_path(flag, explicit_choice);
    if (!explicit_choice && !std::filesystem::exists(path)) return Policy::none(path);
    return Policy::load(path);
}

}  // namespace latchkey::policy
