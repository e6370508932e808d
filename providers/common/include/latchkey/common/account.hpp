// `latchkey logout` and `latchkey whoami` for OAuth providers: RFC 7009
// revocation and OpenID Connect userinfo, with the token's own claims as the
// fallback when the server has no userinfo endpoint.
#ifndef LATCHKEY_COMMON_ACCOUNT_HPP
#define LATCHKEY_COMMON_ACCOUNT_HPP

#include <rapidjson/document.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/http_get.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/jwt.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::common {

namespace account_detail {

// One RFC 7009 §2.1 request. 200 means revoked (or already invalid, §2.2).
inline void revoke_one(const sdk::Host& host, const ClientAuth& auth, const std::string& url,
                       const std::string& token_url, const std::string& token, const char* hint) {
    sdk::HttpRequest req = client_form_request(
        host, auth, url, {{"token", token}, {"token_type_hint", hint}}, token_url);
    sdk::HttpResponse resp = host.http(req, {"content-type", "retry-after", "location"});
    if (resp.status == 200) return;
    const std::string what = "revoking the " + std::string(hint) + " at " + url;
    if (auto e = parse_oauth_error(resp.body)) {
        // unsupported_token_type: the server cannot revoke this kind; not a failure of ours.
        if (e->code == "unsupported_token_type") return;
        throw sdk::Error(
            oauth_error_status(e->code, resp.status),
            what + " failed: " + e->code + (e->description.empty() ? "" : ": " + e->description));
    }
    throw sdk::Error(is_transient_status(resp.status) ? LATCHKEY_E_TRANSIENT : LATCHKEY_E_INTERNAL,
                     what + " failed: HTTP " + std::to_string(resp.status));
}

}  // namespace account_detail

// Revokes the refresh token first (RFC 7009 §2.1: that also ends the access
// tokens issued with it at most servers), then the access token. Does
// nothing when no revocation endpoint is configured or discovered: the host
// erases the credential either way.
inline void revoke_credential(const sdk::Host& host, const ClientAuth& auth, Endpoints& endpoints,
                              const sdk::Current& current) {
    const std::string url = endpoints.revocation();
    if (url.empty()) {
        host.info("no revocation endpoint; the credential is only erased locally");
        return;
    }
    const std::string token_url = endpoints.token();
    if (current.refresh_token && !current.refresh_token->empty())
        account_detail::revoke_one(host, auth, url, token_url, *current.refresh_token,
                                   "refresh_token");
    if (!current.token.empty())
        account_detail::revoke_one(host, auth, url, token_url, current.token, "access_token");
}

// Who `current` belongs to, as a JSON object: the userinfo endpoint's answer
// when there is one, else the claims of the ID token kept at login, else the
// claims of a JWT access token. Never a token or a signature.
inline std::string whoami_json(const sdk::Host& host, Endpoints& endpoints,
                               const sdk::Current& current) {
    const std::string url = endpoints.userinfo();
    if (!url.empty()) {
        const std::string scheme =
            current.token_type.empty() ? std::string("Bearer") : current.token_type;
        sdk::HttpResponse resp =
            http_get(host, url,
                     {"Accept: application/json", "Authorization: " + scheme + " " + current.token},
                     {"content-type", "location"});
        if (resp.status == 401 || resp.status == 403)
            throw sdk::rejected("the userinfo endpoint " + url + " refused the token (HTTP " +
                                std::to_string(resp.status) + "); run `latchkey login --at " +
                                host.site() + "`");
        if (resp.status < 200 || resp.status > 299)
            throw sdk::Error(
                is_transient_status(resp.status) ? LATCHKEY_E_TRANSIENT : LATCHKEY_E_INTERNAL,
                "the userinfo endpoint " + url + " answered HTTP " + std::to_string(resp.status));
        rapidjson::Document doc;
        if (auto problem = parse_bounded_json(doc, resp.body))
            throw sdk::internal_error("the userinfo endpoint " + url +
                                      " did not answer with a JSON object: " + problem->describe());
        if (!doc.IsObject())
            throw sdk::internal_error("the userinfo endpoint " + url +
                                      " did not answer with a JSON object");
        return to_json(doc);
    }
    auto kept = current.extras.find(kIdTokenClaimsExtra);
    if (kept != current.extras.end()) return kept->second;
    if (auto claims = jwt_claims(host, current.token)) return to_json(*claims);
    throw sdk::config_error(
        "the access token is opaque and no userinfo endpoint is known; "
        "set 'userinfo_url' or 'issuer'");
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_ACCOUNT_HPP
