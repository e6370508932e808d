#include "policy/policy_path.hpp"

#include <cstdlib>

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

}  // namespace latchkey::policy
