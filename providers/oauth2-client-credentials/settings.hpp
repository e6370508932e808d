// The oauth2-client-credentials provider's options, read and checked once
// when the site's provider is created, so a bad policy fails before any
// request is made.
#ifndef LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
#define LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP

#include <latchkey/common/form_post.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::client_credentials {

// The endpoints and the client's authentication are OAuthClient's
// (common::Endpoints, common::read_client_auth), as in every OAuth provider.
struct Settings {
    common::GrantParams grant;  // scope, audience, resource
    common::FormFields extra_params;
};

inline Settings read_settings(const sdk::Host& host) {
    Settings s;
    s.grant = common::read_grant_params(host);
    s.extra_params =
        common::read_extra_params(host, {"grant_type", "client_id", "client_secret",
                                         "client_assertion", "client_assertion_type", "scope"});
    return s;
}

}  // namespace latchkey::client_credentials

#endif  // LATCHKEY_CLIENT_CREDENTIALS_SETTINGS_HPP
