// GET or POST /oauth2/userinfo (OIDC Core §5.3) with "Authorization: Bearer" -> the user's
// claims. A dead token is 401 invalid_token; a client's own token (no user) is 403
// insufficient_scope (RFC 6750 §3.1).
// GET /oauth2/jwks: the ID token signing key (RFC 7517).
#include <string>

#include "json.hpp"
#include "routes.hpp"
#include "users.hpp"
#include "whoami.hpp"

namespace devserver {
namespace {

void bearer_error(httplib::Response& res, int status, const char* error) {
    send_oauth_error(res, status, error);
    res.set_header("WWW-Authenticate",
                   std::string("Bearer realm=\"latchkey-devserver\", error=\"") + error + "\"");
}

void handle_userinfo(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string token = bearer_token(req);
    const auto grant = token.empty() ? std::nullopt : ctx.tokens.lookup(token);
    if (!grant) {
        bearer_error(res, 401, "invalid_token");
        return;
    }
    if (grant->subject.empty()) {
        bearer_error(res, 403, "insufficient_scope");
        return;
    }
    const UserClaims user = user_claims(ctx, grant->subject);
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("sub");
        write_string(w, user.sub);
        write_profile_claims(w, user);
        w.EndObject();
    });
}

void handle_jwks(ServerContext& ctx, httplib::Response& res) {
    res.status = 200;
    res.set_content("{\"keys\":[" + ctx.oauth.id_token_key.public_jwk_json() + "]}",
                    "application/json");
}

void install(httplib::Server& server, ServerContext& ctx) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Get("/oauth2/userinfo", [&ctx](Req req, Res res) { handle_userinfo(ctx, req, res); });
    server.Post("/oauth2/userinfo", [&ctx](Req req, Res res) { handle_userinfo(ctx, req, res); });
    server.Get("/oauth2/jwks", [&ctx](Req, Res res) { handle_jwks(ctx, res); });
}

const RouteModule kModule{"userinfo", install};

}  // namespace
}  // namespace devserver
