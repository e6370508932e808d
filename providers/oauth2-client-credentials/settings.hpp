// The oauth2-client-credentials provider's options, read and checked once
// when the site's provider is created, so a bad policy fails before any
// request is made.
#ifndef LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
#define LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP

#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::client_credentials {

struct Settings {
    std::string token_url;
    common::ClientAuth auth;
    common::GrantParams grant;  // scope, audience, resource
    common::FormFields extra_params;
};

inline Settings read_settings(const sdk::Host& host) {
    Settings s;
    s.token_url = std::string(common::trim(host.require("token_url")));
    if (!common::istarts_with(s.token_url, "https://") &&
        !common::istarts_with(s.token_url, "http://"))
        throw sdk::config_error("option 'token_url' (\"" + common::printable(s.token_url) +
                                "\") must be an http:// or https:// URL");
    // `auth_method` is this provider's older name for client_auth.
    s.auth = common::read_client_auth(host, "auth_method");
    s.grant = common::read_grant_params(host);
    s.extra_params =
        common::read_extra_params(host, {"grant_type", "client_id", "client_secret",
                                         "client_assertion", "client_assertion_type", "scope"});
    return s;
}

}  // namespace latchkey::client_credentials

#endif  // LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
