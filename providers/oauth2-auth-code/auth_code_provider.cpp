// The oauth2-auth-code provider: a person logs in through a browser with the
// authorization code grant (RFC 6749 §4.1), PKCE S256 (RFC 7636) and a
// `state`, as native applications should (RFC 8252). The browser comes back
// to a listener on 127.0.0.1 or, where the vendor allows no loopback
// redirect (Anaplan), the person pastes the redirect address.
//
// A login happens only in `latchkey login`; anywhere else acquire asks for
// one (exit 3). The refresh token keeps the site usable without the person;
// a refresh the server rejects (invalid_grant) makes the host erase the
// credential and ask for a new login.
#include <array>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/oauth_client.hpp>
#include <latchkey/common/oauth_options.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <utility>

#include "login_flow.hpp"
#include "pkce.hpp"
#include "settings.hpp"
#include "token_client.hpp"

namespace {

using namespace latchkey;

constexpr unsigned kIdentity = LATCHKEY_OPTF_IDENTITY;

constexpr std::array<latchkey_option, 8> kOwnOptions = {{
    {"authorization_url", LATCHKEY_OPT_STRING, kIdentity, nullptr,
     "the authorization endpoint the browser opens; unset: discovered from 'issuer'"},
    {"extra_params", LATCHKEY_OPT_LIST, 0, nullptr,
     "additional authorization request parameters as \"name=value\" entries (prompt=consent, "
     "access_type=offline...)"},
    {"redirect", LATCHKEY_OPT_STRING, 0, "loopback",
     "how the browser comes back: loopback (a listener on 127.0.0.1) or paste (the person "
     "pastes the address the browser was sent to)"},
    {"redirect_port", LATCHKEY_OPT_INT, 0, "0",
     "loopback: the port on 127.0.0.1 to listen on; 0 picks a free one (set it where the "
     "vendor registers a fixed port)"},
    {"redirect_path", LATCHKEY_OPT_STRING, 0, "/callback",
     "loopback: the path of the redirect address http://127.0.0.1:PORT/PATH"},
    {"redirect_url", LATCHKEY_OPT_STRING, 0, nullptr,
     "paste: the redirect address registered with the vendor (https://...), sent as "
     "`redirect_uri`"},
    {"login_timeout", LATCHKEY_OPT_DURATION, 0, "5m",
     "loopback: how long `latchkey login` waits for the browser"},
    {"open_browser", LATCHKEY_OPT_BOOL, 0, "true",
     "open the authorization address in a browser ($BROWSER, else xdg-open on a desktop); the "
     "address is always shown"},
}};

constexpr std::array<latchkey_option, 1> kRegisteredClient = {{
    {"client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the client identifier registered with the authorization server"},
}};

constexpr auto kOptions =
    common::option_table(common::oauth_options_with(kRegisteredClient), kOwnOptions);

// refresh, revoke and whoami are the shared OAuth client's.
class AuthCodeProvider : public common::RefreshingOAuthClient {
 public:
    explicit AuthCodeProvider(sdk::Host& host)
        : AuthCodeProvider(host, auth_code::read_settings(host)) {}

    sdk::Credential acquire() {
        if (!host_.interactive())
            throw sdk::interaction_required("this site needs a login in a browser");
        // Both endpoints before the browser opens: a discovery failure now
        // costs the person nothing.
        const auth_code::AuthorizationServer server{endpoints_.authorization(),
                                                    endpoints_.issuer()};
        const std::string token_url = endpoints_.token();
        const auth_code::RequestSecrets secrets = auth_code::new_request_secrets(host_);
        return auth_code::log_in(
            host_, s_, server, secrets, [&](const auth_code::Authorization& got) {
                return auth_code::exchange_code(host_, s_, token_url, got.code, got.redirect_uri,
                                                secrets.code_verifier);
            });
    }

 private:
    AuthCodeProvider(sdk::Host& host, auth_code::Settings s)
        : RefreshingOAuthClient(host, s.auth), s_(std::move(s)) {}

    auth_code::Settings s_;
};

}  // namespace

LATCHKEY_PROVIDER(AuthCodeProvider, "oauth2-auth-code", "1.0.0",
                  "OAuth 2.0 authorization code grant with PKCE, for a person logging in "
                  "through a browser (loopback or pasted redirect).",
                  kOptions.data())
