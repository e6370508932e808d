#include "policy/renamed_options.hpp"

#include <algorithm>

namespace latchkey::policy {

namespace {

struct RenamedOption {
    const char* old_key;
    // The key that replaced it; nullptr when the option went away.
    const char* new_key;
    // For a removed option: the provider it belonged to, and what to write instead.
    const char* provider;
    const char* instead;
};

// The table of docs/option-names.md, "Renames"; keep the two in step.
constexpr RenamedOption kRenamed[] = {
    {"auth_method", "client_auth", nullptr, nullptr},
    {"client_key_password", "client_key_passphrase", nullptr, nullptr},
    {"private_key_password", "private_key_passphrase", nullptr, nullptr},
    {"private_key", "private_key_file", nullptr, nullptr},
    {"certificate", "certificate_file", nullptr, nullptr},
    {"auth_url", "base_url", nullptr, nullptr},
    {"login_url", "base_url", nullptr, nullptr},
    {"key", "api_key", nullptr, nullptr},
    {"interactive_timeout", "login_timeout", nullptr, nullptr},
    {"redirect_uri", "redirect_url", nullptr, nullptr},
    {"method", nullptr, "anaplan",
     "the login follows from the options: certificate_file (and private_key_file) for a "
     "certificate login, email and password for a basic one"},
};

}  // namespace

std::optional<std::string> renamed_option_hint(const std::string& key,
                                               const std::vector<std::string>& known,
                                               const std::string& provider) {
    for (const RenamedOption& r : kRenamed) {
        if (key != r.old_key) continue;
        if (r.new_key) {
            if (std::find(known.begin(), known.end(), r.new_key) == known.end()) continue;
            return "did you mean '" + std::string(r.new_key) + "'? (renamed from '" + key + "')";
        }
        if (provider == r.provider)
            return "'" + key + "' was removed from " + provider + ": " + r.instead;
    }
    return std::nullopt;
}

}  // namespace latchkey::policy
