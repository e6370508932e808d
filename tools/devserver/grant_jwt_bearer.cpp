// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 §2.1): a signed JWT
// `assertion` is the grant. Checked: signature (RS256/ES256) with --setting
// jwt_bearer_key=PATH.pem, iss, sub, aud, exp present and short, nbf, and a replayed jti.
// Client authentication is optional: without it the assertion's iss must name a --client
// (Salesforce's consumer key flow); with it iss must be that client unless
// jwt_bearer_issuer says otherwise. The token acts for `sub`.
//   jwt_bearer_audience  comma list of accepted aud values (default: this server's issuer
//                        and token endpoint), e.g. https://login.salesforce.com
//   jwt_bearer_issuer    required iss; jwt_bearer_subject  required sub
//   jwt_max_lifetime     how far ahead exp may be (seconds, default 300)
#include <sstream>
#include <string>
#include <vector>

#include "assertion_claims.hpp"
#include "form.hpp"
#include "json.hpp"
#include "jwt.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "token_response.hpp"

namespace devserver {
namespace {

void invalid_grant(httplib::Response& res, const std::string& why) {
    send_oauth_error(res, 400, "invalid_grant", why);
}

std::vector<std::string> accepted_audiences(const ServerContext& ctx, const httplib::Request& req) {
    const std::string* configured = setting(ctx, "jwt_bearer_audience");
    if (configured == nullptr) {
        return own_audiences(ctx, req.path);
    }
    std::vector<std::string> out;
    std::stringstream list(*configured);
    for (std::string item; std::getline(list, item, ',');) {
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

void handle(GrantContext& grant, httplib::Response& res) {
    ServerContext& ctx = grant.ctx;
    const std::string* assertion = param(grant.form, "assertion");
    if (assertion == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "assertion is required");
        return;
    }
    const std::string* key_file = setting(ctx, "jwt_bearer_key");
    if (key_file == nullptr) {
        send_oauth_error(res, 400, "unsupported_grant_type",
                         "this server has no --setting jwt_bearer_key to check assertions with");
        return;
    }
    auto key = load_public_key(*key_file);
    if (const auto* error = std::get_if<std::string>(&key)) {
        send_oauth_error(res, 500, "server_error", *error);
        return;
    }
    const auto verified = verify_jwt(*assertion, std::get<PkeyPtr>(key).get());
    if (const auto* error = std::get_if<std::string>(&verified)) {
        invalid_grant(res, "assertion: " + *error);
        return;
    }
    const auto& claims = std::get<Jwt>(verified).claims;
    const std::string iss = string_claim(claims, "iss");

    const Client* client = grant.client;
    if (client == nullptr) {
        client = ctx.clients.find(iss);
        if (client == nullptr) {
            invalid_grant(res, "assertion: iss names no client, and no client authenticated");
            return;
        }
    }
    ClaimRules rules;
    const std::string* required_iss = setting(ctx, "jwt_bearer_issuer");
    rules.issuer = required_iss != nullptr ? *required_iss : client->id;
    if (const std::string* sub = setting(ctx, "jwt_bearer_subject")) {
        rules.subject = *sub;
    }
    rules.audiences = accepted_audiences(ctx, grant.req);
    rules.max_lifetime = setting_seconds(ctx, "jwt_max_lifetime", 300);
    const std::int64_t now = now_epoch_seconds();
    if (const auto problem = check_claims(claims, rules, now)) {
        invalid_grant(res, "assertion: " + *problem);
        return;
    }
    if (const std::string jti = string_claim(claims, "jti");
        !jti.empty() &&
        !ctx.oauth.jtis.first_use(iss, jti, static_cast<std::int64_t>(claims["exp"].GetDouble()))) {
        invalid_grant(res, "assertion: jti was already used (replay)");
        return;
    }

    std::optional<std::string> refused;
    const auto scopes = granted_scopes(*client, param(grant.form, "scope"), refused);
    if (refused) {
        send_oauth_error(res, 400, "invalid_scope",
                         "scope not allowed for this client: " + *refused);
        return;
    }
    GrantContext as_client{ctx, grant.req, grant.form, client, grant.method, grant.grant_type};
    TokenIssue issue;
    issue.scopes = scopes;
    issue.subject = string_claim(claims, "sub");
    send_token_response(as_client, std::move(issue), res);
}

const GrantType kGrant{"urn:ietf:params:oauth:grant-type:jwt-bearer", handle, true};

}  // namespace
}  // namespace devserver
