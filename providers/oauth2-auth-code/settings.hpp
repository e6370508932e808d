// The oauth2-auth-code provider's options, read and checked once when the
// site's provider is created, so a bad policy fails before any browser opens.
#ifndef LATCHKEY_AUTH_CODE_SETTINGS_HPP
#define LATCHKEY_AUTH_CODE_SETTINGS_HPP

#include <cstdint>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::auth_code {

// Where the authorization server sends the browser back to.
enum class RedirectMode {
    loopback,  // a listener on 127.0.0.1 receives the redirect (RFC 8252 §7.3)
    paste,     // the person copies the redirect address back into the terminal
};

// Everything but the endpoints, which common::Endpoints resolves (explicit
// options first, then the issuer's metadata) when a login needs them.
struct Settings {
    common::ClientAuth auth;          // client_id and how it authenticates (usually none)
    common::GrantParams grant;        // scope, audience, resource of the authorization request
    common::FormFields extra_params;  // added to the authorization request
    RedirectMode redirect = RedirectMode::loopback;
    int redirect_port = 0;      // loopback: 0 = any free port
    std::string redirect_path;  // loopback: "/callback"
    std::string redirect_uri;   // paste: the address registered with the vendor
    int64_t login_timeout_ms = 0;
    bool open_browser = true;
};

Settings read_settings(const sdk::Host& host);

inline constexpr const char* kDefaultRedirectPath = "/callback";

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_SETTINGS_HPP
