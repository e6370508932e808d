#include "policy/policy_location.hpp"

#include <cstdlib>
#include <filesystem>

namespace latchkey::policy {

std::string policy_path(const std::optional<std::string>& flag, bool& explicit_choice) {
    explicit_choice = true;
    if (flag && !flag->empty()) return *flag;
    if (const char* e = std::getenv("LATCHKEY_CONFIG"); e && *e) return e;
    explicit_choice = false;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::string(x) + "/latchkey/config.toml";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/latchkey/config.toml";
}

Policy load_policy(const std::optional<std::string>& flag) {
    bool explicit_choice = false;
    std::string path = policy_path(flag, explicit_choice);
    if (!explicit_choice && !std::filesystem::exists(path)) return Policy::none(path);
    return Policy::load(path);
}

}  // namespace latchkey::policy
