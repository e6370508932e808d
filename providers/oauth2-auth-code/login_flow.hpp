// The interactive part of a login: show the authorization address, open the
// browser, and get the redirect back (from the loopback listener or pasted).
#ifndef LATCHKEY_AUTH_CODE_LOGIN_FLOW_HPP
#define LATCHKEY_AUTH_CODE_LOGIN_FLOW_HPP

#include <functional>
#include <latchkey/provider.hpp>
#include <string>

#include "pkce.hpp"
#include "settings.hpp"

namespace latchkey::auth_code {

struct Authorization {
    std::string code;
    std::string redirect_uri;  // as sent in the request; the exchange repeats it
};

// The authorization server a login goes to.
struct AuthorizationServer {
    std::string authorization_url;  // configured or discovered
    std::string issuer;             // the 'issuer' option; "" when unset
};

// Trades the code for tokens.
using Exchange = std::function<sdk::Credential(const Authorization&)>;

// Runs a login for `secrets` at `server`'s authorization endpoint and
// hands the code to `exchange`. The loopback listener stays up until the
// exchange is over, so a second redirect (a reload, say) gets a clear page
// instead of a refused connection. Throws sdk::Error (never TRANSIENT: a
// retry would start another browser login) when no usable code comes back.
sdk::Credential log_in(const sdk::Host& host, const Settings& s, const AuthorizationServer& server,
                       const RequestSecrets& secrets, const Exchange& exchange);

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_LOGIN_FLOW_HPP
