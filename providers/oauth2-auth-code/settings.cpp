#include "settings.hpp"

#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/text.hpp>

namespace latchkey::auth_code {

namespace {

// The host puts "site 'NAME': " in front of every message a provider gives,
// so the messages here start at the option.
sdk::Error option_error(const std::string& key, const std::string& what) {
    return sdk::config_error("option '" + key + "' " + what);
}

std::string required(const sdk::Host& host, const char* key) {
    auto v = host.option(key);
    if (!v || common::trim(*v).empty()) throw option_error(key, "is required");
    return std::string(common::trim(*v));
}

bool is_http_url(const std::string& url) {
    return common::istarts_with(url, "https://") || common::istarts_with(url, "http://");
}

std::string http_url(const sdk::Host& host, const char* key) {
    std::string url = required(host, key);
    if (!is_http_url(url) || common::has_control_chars(url) || url.find(' ') != std::string::npos)
        throw option_error(
            key, "(\"" + common::printable(url) + "\") must be an http:// or https:// URL");
    return url;
}

void read_redirect(const sdk::Host& host, Settings& s) {
    std::string mode = host.option_or("redirect", "loopback");
    if (mode == "loopback")
        s.redirect = RedirectMode::loopback;
    else if (mode == "paste")
        s.redirect = RedirectMode::paste;
    else
        throw option_error("redirect",
                           "is \"" + common::printable(mode) + "\"; valid values: loopback, paste");

    if (s.redirect == RedirectMode::paste) {
        s.redirect_uri = http_url(host, "redirect_url");
        if (s.redirect_uri.find('#') != std::string::npos)
            throw option_error("redirect_url", "must not contain a fragment (#...)");
        return;
    }
    if (host.option("redirect_url"))
        throw option_error("redirect_url",
                           "is for redirect = \"paste\"; with \"loopback\" the address is "
                           "http://127.0.0.1:PORT/PATH from 'redirect_port' and 'redirect_path'");
    int64_t port = host.integer("redirect_port", 0);
    if (port < 0 || port > 65535) throw option_error("redirect_port", "must be 0 to 65535");
    s.redirect_port = static_cast<int>(port);
    s.redirect_path = host.option_or("redirect_path", kDefaultRedirectPath);
    const std::string& p = s.redirect_path;
    if (p.empty() || p.front() != '/' || common::has_control_chars(p) ||
        p.find_first_of(" ?#%") != std::string::npos)
        throw option_error("redirect_path",
                           "must be a plain path starting with '/' (no spaces, "
                           "'?', '#' or '%')");
}

}  // namespace

Settings read_settings(const sdk::Host& host) {
    Settings s;
    s.auth = common::read_client_auth(host);
    s.grant = common::read_grant_params(host);
    s.extra_params = common::read_extra_params(
        host, {"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
               "code_challenge_method", "audience", "resource"});
    read_redirect(host, s);

    int64_t timeout_s = host.integer("login_timeout", 300);
    if (timeout_s <= 0) throw option_error("login_timeout", "must be longer than 0s");
    s.login_timeout_ms = timeout_s * 1000;
    s.open_browser = host.flag("open_browser", true);
    return s;
}

}  // namespace latchkey::auth_code
