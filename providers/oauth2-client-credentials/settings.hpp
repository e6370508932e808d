// The oauth2-client-credentials provider's options, read and checked once
// when the site's provider is created, so a bad policy fails before any
// request is made.
#ifndef LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
#define LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP

#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <vector>

namespace latchkey::client_credentials {

struct Settings {
    std::string token_url;
    common::ClientAuth auth;
    std::vector<std::string> scopes;
    std::string audience;  // "" when unset
    std::string resource;  // "" when unset
    common::FormFields extra_params;
};

// Form fields the provider sets itself; extra_params may not override them.
inline bool is_reserved_param(const std::string& name) {
    return name == "grant_type" || name == "client_id" || name == "client_secret" ||
           name == "client_assertion" || name == "client_assertion_type" || name == "scope";
}

inline Settings read_settings(const sdk::Host& host) {
    const std::string site = "site '" + host.site() + "': ";
    Settings s;
    s.token_url = std::string(common::trim(host.require("token_url")));
    if (!common::istarts_with(s.token_url, "https://") &&
        !common::istarts_with(s.token_url, "http://"))
        throw sdk::config_error(site + "option 'token_url' (\"" + common::printable(s.token_url) +
                                "\") must be an http:// or https:// URL");
    // `auth_method` is this provider's older name for client_auth.
    s.auth = common::read_client_auth(host, "auth_method");

    for (auto& scope : host.list("scopes"))
        if (!common::trim(scope).empty()) s.scopes.emplace_back(common::trim(scope));
    s.audience = host.option_or("audience", "");
    s.resource = host.option_or("resource", "");

    // Entries are checked by position, never quoted: one might carry a
    // value the policy author considers sensitive.
    auto extras = host.list("extra_params");
    for (size_t i = 0; i < extras.size(); ++i) {
        const std::string where = site + "option 'extra_params' entry " + std::to_string(i + 1);
        size_t eq = extras[i].find('=');
        std::string name = eq == std::string::npos ? "" : extras[i].substr(0, eq);
        if (eq == std::string::npos || name.empty())
            throw sdk::config_error(where + " is not of the form name=value");
        if (is_reserved_param(name))
            throw sdk::config_error(where + " sets '" + name + "', which the provider sets itself" +
                                    (name == "scope" ? " (use the 'scopes' option)" : ""));
        s.extra_params.emplace_back(name, extras[i].substr(eq + 1));
    }
    return s;
}

}  // namespace latchkey::client_credentials

#endif  // LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
