// The refresh token grant (RFC 6749 §6), shared by every provider that
// keeps a refresh token.
#ifndef LATCHKEY_COMMON_REFRESH_GRANT_HPP
#define LATCHKEY_COMMON_REFRESH_GRANT_HPP

#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <map>
#include <string>

namespace latchkey::common {

// A new credential for `refresh_token`. The answer's refresh token replaces
// it when the server rotates (it must then be stored before the new access
// token is used: the host stores the whole credential at once); otherwise it
// is kept. `previous` extras the answer does not repeat (the ID token's
// claims, Salesforce's instance_url) carry over. invalid_grant comes back as
// rejected, so the host erases the credential and acquires again. `params`
// (scope, audience, resource) go into the request when set: a refresh may
// narrow the scope (§6) or name a resource (RFC 8707 §2.2).
inline sdk::Credential refresh_grant(const sdk::Host& host, const ClientAuth& auth,
                                     const std::string& token_url, const std::string& refresh_token,
                                     const std::map<std::string, std::string>& previous = {},
                                     const GrantParams& params = {}) {
    host.add_secret(refresh_token);
    FormFields form = {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    params.append_to(form);
    TokenResponse t = request_token(host, auth, token_url, form);
    auto scope = previous.find("scope");
    sdk::Credential c = to_credential(host, t, refresh_token,
                                      scope == previous.end() ? std::string() : scope->second);
    for (auto& [k, v] : previous) c.extras.emplace(k, v);  // emplace keeps the new values
    return c;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_REFRESH_GRANT_HPP
