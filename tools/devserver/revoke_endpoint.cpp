// POST /oauth2/revoke (RFC 7009): form token + optional token_type_hint, with client
// authentication. Revoking a refresh token revokes its whole family, access tokens
// included (§2.1 SHOULD); revoking an access token revokes just that token. Unknown
// tokens, and tokens of another client (left alone), still answer 200 (§2.2), so the
// endpoint does not tell one client about another's tokens.
#include <string>

#include "authenticate_client.hpp"
#include "form.hpp"
#include "json.hpp"
#include "routes.hpp"

namespace devserver {
namespace {

struct Revoked {
    std::size_t access = 0;
    std::size_t refresh = 0;
};

Revoked revoke_refresh(ServerContext& ctx, const std::string& token, const std::string& client_id) {
    const auto grant = ctx.oauth.refresh.find_any(token);
    if (!grant || grant->client_id != client_id) {
        return {};
    }
    const TokenFilter family{"", "", grant->family};
    return Revoked{ctx.tokens.revoke(family), ctx.oauth.refresh.revoke(family)};
}

Revoked revoke_access(ServerContext& ctx, const std::string& token, const std::string& client_id) {
    return Revoked{ctx.tokens.revoke(TokenFilter{token, client_id, ""}), 0};
}

void handle_revoke(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    ctx.stats.count("revocation_requests");
    httplib::Params form;
    if (!read_oauth_form(req, res, form)) {
        return;
    }
    AuthenticatedClient auth;
    if (!require_client(ctx, req, res, form, auth)) {
        return;
    }
    const std::string* token = param(form, "token");
    if (token == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "token is required");
        return;
    }
    // §2.1: the hint only says where to look first; both kinds are searched.
    const std::string* hint = param(form, "token_type_hint");
    const bool refresh_first = hint != nullptr && *hint == "refresh_token";
    Revoked revoked = refresh_first ? revoke_refresh(ctx, *token, auth.client->id)
                                    : revoke_access(ctx, *token, auth.client->id);
    if (revoked.access == 0 && revoked.refresh == 0) {
        revoked = refresh_first ? revoke_access(ctx, *token, auth.client->id)
                                : revoke_refresh(ctx, *token, auth.client->id);
    }
    ctx.stats.count("revoked_access_tokens", revoked.access);
    ctx.stats.count("revoked_refresh_tokens", revoked.refresh);
    res.status = 200;
    res.set_content("", "application/json");
}

void install(httplib::Server& server, ServerContext& ctx) {
    server.Post("/oauth2/revoke", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_revoke(ctx, req, res);
    });
}

const RouteModule kModule{"revoke", install};

}  // namespace
}  // namespace devserver
