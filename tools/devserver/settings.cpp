#include "settings.hpp"

#include <cmath>
#include <stdexcept>

namespace devserver {
namespace {

constexpr const char* kFlagKeys[] = {
    "refresh_rotation",
    "refresh_replay_revokes_family",
    "client_credentials_refresh",
    "issue_refresh_tokens",
    "auto_consent",
    "send_expires_in",
    "require_pkce",
    "omit_userinfo",
    "anaplan.accept_v1",
};

constexpr const char* kSecondsKeys[] = {
    "refresh_token_lifetime",     "device_interval",        "device_code_lifetime",
    "device_slow_down_increment", "auth_code_lifetime",     "jwt_max_lifetime",
    "anaconda.key_lifetime",      "anaplan.token_lifetime", "anaplan.max_clock_skew",
    "salesforce.session_seconds",
};

std::optional<bool> parse_flag(const std::string& text) {
    if (text == "true" || text == "1" || text == "yes") {
        return true;
    }
    if (text == "false" || text == "0" || text == "no") {
        return false;
    }
    return std::nullopt;
}

std::optional<double> parse_seconds(const std::string& text) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(value) || value < 0) {
            return std::nullopt;
        }
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

const std::string* setting(const ServerContext& ctx, const std::string& key) {
    const auto it = ctx.settings.find(key);
    return it == ctx.settings.end() ? nullptr : &it->second;
}

bool setting_flag(const ServerContext& ctx, const std::string& key, bool fallback) {
    const std::string* text = setting(ctx, key);
    return text == nullptr ? fallback : parse_flag(*text).value_or(fallback);
}

double setting_seconds(const ServerContext& ctx, const std::string& key, double fallback) {
    const std::string* text = setting(ctx, key);
    return text == nullptr ? fallback : parse_seconds(*text).value_or(fallback);
}

std::optional<std::string> check_settings(const std::map<std::string, std::string>& settings) {
    for (const char* key : kFlagKeys) {
        const auto it = settings.find(key);
        if (it != settings.end() && !parse_flag(it->second)) {
            return std::string("--setting ") + key + " wants true or false, got '" + it->second +
                   "'";
        }
    }
    for (const char* key : kSecondsKeys) {
        const auto it = settings.find(key);
        if (it != settings.end() && !parse_seconds(it->second)) {
            return std::string("--setting ") + key +
                   " wants a number of seconds >= 0 (fractions allowed), got '" + it->second + "'";
        }
    }
    return std::nullopt;
}

}  // namespace devserver
