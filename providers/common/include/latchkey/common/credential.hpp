// A token endpoint answer turned into the credential the host stores.
#ifndef LATCHKEY_COMMON_CREDENTIAL_HPP
#define LATCHKEY_COMMON_CREDENTIAL_HPP

#include <latchkey/common/json.hpp>
#include <latchkey/common/jwt.hpp>
#include <latchkey/common/token_response.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::common {

// The extra under which the claims of an OpenID Connect ID token are kept.
// Only the claims: the token itself is a credential and is not stored.
inline constexpr const char* kIdTokenClaimsExtra = "id_token_claims";

// `t` as a credential. `previous_refresh_token` is kept when the server did
// not rotate it (RFC 6749 §6: a new one is optional), so the next refresh
// still has one. `requested_scope` stands in for a `scope` the server left
// out, which means it granted exactly the request (§5.1).
inline sdk::Credential to_credential(const sdk::Host& host, const TokenResponse& t,
                                     const std::string& previous_refresh_token = "",
                                     const std::string& requested_scope = "") {
    sdk::Credential c;
    c.token = t.access_token;
    c.token_type = t.token_type;
    c.expires_at_ms = t.expires_at_ms;
    c.refresh_token = t.refresh_token.empty() ? previous_refresh_token : t.refresh_token;
    c.extras = t.extras;
    std::string granted = t.scope.empty() ? requested_scope : t.scope;
    if (!granted.empty()) c.extras["scope"] = granted;
    if (!t.id_token.empty())
        if (auto claims = jwt_claims(host, t.id_token))
            c.extras[kIdTokenClaimsExtra] = to_json(*claims);
    return c;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_CREDENTIAL_HPP
