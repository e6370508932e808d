// grant_type=authorization_code (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.6): the code
// must be live, unused, issued to this client for this redirect_uri, and the
// code_verifier must hash to the code_challenge. A second use of a code is invalid_grant
// and revokes the tokens the first use bought (§4.1.2).
#include <string>

#include "form.hpp"
#include "json.hpp"
#include "pkce.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "token_response.hpp"

namespace devserver {
namespace {

void invalid_grant(httplib::Response& res, const std::string& why) {
    send_oauth_error(res, 400, "invalid_grant", why);
}

void handle(GrantContext& grant, httplib::Response& res) {
    ServerContext& ctx = grant.ctx;
    const std::string* code = param(grant.form, "code");
    if (code == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "code is required");
        return;
    }
    const Exchange exchange = ctx.oauth.authorizations.exchange(*code);
    switch (exchange.outcome) {
        case CodeOutcome::unknown:
            invalid_grant(res, "unknown authorization code");
            return;
        case CodeOutcome::expired:
            invalid_grant(res, "authorization code expired");
            return;
        case CodeOutcome::reused: {
            const TokenFilter family{"", "", exchange.grant.family};
            ctx.tokens.revoke(family);
            ctx.oauth.refresh.revoke(family);
            ctx.stats.count("authorization_code_reuses");
            invalid_grant(res, "authorization code already used; its tokens are revoked");
            return;
        }
        case CodeOutcome::ok:
            break;
    }
    const AuthorizationRequest& request = exchange.grant.request;
    if (request.client_id != grant.client->id) {
        invalid_grant(res, "authorization code was issued to another client");
        return;
    }
    const std::string* redirect_uri = param(grant.form, "redirect_uri");
    if (redirect_uri == nullptr || *redirect_uri != request.redirect_uri) {
        invalid_grant(res, "redirect_uri does not match the authorization request");
        return;
    }
    const std::string* verifier = param(grant.form, "code_verifier");
    if (!request.code_challenge.empty()) {
        if (verifier == nullptr) {
            invalid_grant(res, "code_verifier is required (PKCE)");
            return;
        }
        if (!is_valid_code_verifier(*verifier) ||
            !verifier_matches(*verifier, request.code_challenge)) {
            invalid_grant(res, "code_verifier does not match the code_challenge (PKCE)");
            return;
        }
    }
    TokenIssue issue;
    issue.scopes = split_scopes(request.scope);
    issue.subject = exchange.grant.subject;
    issue.refresh_token = setting_flag(ctx, "issue_refresh_tokens", true);
    issue.family = exchange.grant.family;
    if (!request.nonce.empty()) {
        issue.nonce = request.nonce;
    }
    send_token_response(grant, std::move(issue), res);
}

const GrantType kGrant{"authorization_code", handle};

}  // namespace
}  // namespace devserver
