// Admin endpoints over issued tokens, so tests can start from a known refresh token and
// make tokens die on demand:
//   POST /admin/refresh_tokens  {"client_id", "scope"?, "sub"?, "expires_in"?}
//        -> {"refresh_token", "family"}
//   POST /admin/tokens/revoke   {"token"?, "client_id"?, "family"?, "type"?}
//   POST /admin/tokens/expire   (same body)
//        -> {"access_token": N, "refresh_token": N}  (how many were affected)
// "type" is "access_token" or "refresh_token" (default both); no filter means every token.
#include <string>

#include "admin_json.hpp"
#include "json.hpp"
#include "routes.hpp"
#include "users.hpp"

namespace devserver {
namespace {

void handle_seed(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document body;
    if (!read_admin_json(req, res, body)) {
        return;
    }
    const auto client_id = json_member(body, "client_id");
    if (!client_id || ctx.clients.find(*client_id) == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "\"client_id\" must name a --client");
        return;
    }
    RefreshGrant grant;
    grant.client_id = *client_id;
    grant.scope = json_member(body, "scope").value_or("");
    grant.subject = json_member(body, "sub").value_or(default_subject(ctx));
    if (const auto it = body.FindMember("expires_in"); it != body.MemberEnd()) {
        if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
            send_oauth_error(res, 400, "invalid_request",
                             "\"expires_in\" must be an integer >= 0 (0: never)");
            return;
        }
        grant.expires_at =
            it->value.GetInt64() == 0 ? 0 : now_epoch_seconds() + it->value.GetInt64();
    }
    const std::string token = ctx.oauth.refresh.issue(grant);
    const auto issued = ctx.oauth.refresh.lookup(token);
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("refresh_token");
        write_string(w, token);
        w.Key("family");
        write_string(w, issued ? issued->family : "");
        w.EndObject();
    });
}

// Revoke (or expire) what the body selects, in both stores unless "type" narrows it.
void handle_kill(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                 bool revoke) {
    rapidjson::Document body;
    if (!read_admin_json(req, res, body)) {
        return;
    }
    const TokenFilter filter{json_member(body, "token").value_or(""),
                             json_member(body, "client_id").value_or(""),
                             json_member(body, "family").value_or("")};
    const std::string type = json_member(body, "type").value_or("");
    if (!type.empty() && type != "access_token" && type != "refresh_token") {
        send_oauth_error(res, 400, "invalid_request",
                         "\"type\" must be access_token or refresh_token");
        return;
    }
    std::size_t access = 0;
    std::size_t refresh = 0;
    if (type != "refresh_token") {
        access = revoke ? ctx.tokens.revoke(filter) : ctx.tokens.expire(filter);
    }
    if (type != "access_token") {
        refresh = revoke ? ctx.oauth.refresh.revoke(filter) : ctx.oauth.refresh.expire(filter);
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("access_token");
        w.Uint64(access);
        w.Key("refresh_token");
        w.Uint64(refresh);
        w.EndObject();
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    server.Post("/admin/refresh_tokens",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    handle_seed(ctx, req, res);
                });
    server.Post("/admin/tokens/revoke",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    handle_kill(ctx, req, res, true);
                });
    server.Post("/admin/tokens/expire",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    handle_kill(ctx, req, res, false);
                });
}

const RouteModule kModule{"admin_tokens", install};

}  // namespace
}  // namespace devserver
