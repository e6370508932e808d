// RFC 8628 device authorization, the parts a device and a user see:
//   POST /oauth2/device_authorization  (client auth, scope) -> the codes
//   GET  /oauth2/device[?user_code=X]   the verification page; with auto_consent=true
//                                       and a user_code it approves at once
//   POST /oauth2/device                 form user_code + action=approve|deny (the user's click)
// and the admin side tests use instead of a browser:
//   GET  /admin/device                  {"pending": [{"user_code", "client_id", "scope"}]}
//   POST /admin/device/approve          {"user_code"?, "sub"?}  (no user_code: the newest)
//   POST /admin/device/deny             {"user_code"?}
//   POST /admin/device/slow_down        {"user_code"?, "count"?}  next polls get slow_down
// Polling is the token grant in grant_device.cpp.
#include <cmath>
#include <optional>
#include <string>

#include "admin_json.hpp"
#include "authenticate_client.hpp"
#include "form.hpp"
#include "html_page.hpp"
#include "json.hpp"
#include "routes.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "users.hpp"

namespace devserver {
namespace {

// RFC 8628 §3.2 gives seconds as integers; a fractional setting (tests poll fast) is
// written as a fraction so the client sees what the server enforces.
void write_seconds(JsonWriter& w, double seconds) {
    if (seconds == std::floor(seconds)) {
        w.Int64(static_cast<std::int64_t>(seconds));
    } else {
        w.Double(seconds);
    }
}

void handle_authorization(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    httplib::Params form;
    if (!read_oauth_form(req, res, form)) {
        return;
    }
    AuthenticatedClient auth;
    if (!require_client(ctx, req, res, form, auth)) {
        return;
    }
    std::optional<std::string> refused;
    const auto scopes = granted_scopes(*auth.client, param(form, "scope"), refused);
    if (refused) {
        send_oauth_error(res, 400, "invalid_scope",
                         "scope not allowed for this client: " + *refused);
        return;
    }
    DeviceRequest request;
    request.client_id = auth.client->id;
    request.scope = join_scopes(scopes);
    request.interval = setting_seconds(ctx, "device_interval", 5);
    request.lifetime = setting_seconds(ctx, "device_code_lifetime", 600);
    const DeviceCodes codes = ctx.oauth.devices.start(request);
    ctx.stats.count("device_authorizations");

    const std::string verification_uri = ctx.issuer + "/oauth2/device";
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("device_code");
        write_string(w, codes.device_code);
        w.Key("user_code");
        write_string(w, codes.user_code);
        w.Key("verification_uri");
        write_string(w, verification_uri);
        w.Key("verification_uri_complete");
        write_string(w, verification_uri + "?user_code=" + codes.user_code);
        w.Key("expires_in");
        write_seconds(w, request.lifetime);
        w.Key("interval");
        write_seconds(w, request.interval);
        w.EndObject();
    });
}

void send_decided(httplib::Response& res, bool approved) {
    send_html(res, 200, approved ? "Device approved" : "Device denied",
              approved ? "<p id=\"result\">approved</p><p>You may close this window.</p>"
                       : "<p id=\"result\">denied</p>");
}

void send_unknown_code(httplib::Response& res) {
    send_html(res, 400, "Unknown code",
              "<p id=\"result\">unknown_user_code</p><p>The code is wrong, used or expired.</p>");
}

void handle_verification_page(ServerContext& ctx, const httplib::Request& req,
                              httplib::Response& res) {
    const std::string user_code = req.get_param_value("user_code");
    if (user_code.empty()) {
        send_html(res, 200, "Connect a device",
                  "<form method=\"get\" action=\"/oauth2/device\"><label>Code "
                  "<input name=\"user_code\"></label><button>Continue</button></form>");
        return;
    }
    const auto pending = ctx.oauth.devices.find_pending(user_code);
    if (!pending) {
        send_unknown_code(res);
        return;
    }
    if (setting_flag(ctx, "auto_consent", false)) {
        ctx.oauth.devices.decide(user_code, true, default_subject(ctx));
        send_decided(res, true);
        return;
    }
    send_html(res, 200, "Approve device",
              "<p id=\"result\">pending</p><p>Client <b>" + html_escape(pending->client_id) +
                  "</b> asks for scope <b>" + html_escape(pending->scope) + "</b> (code " +
                  html_escape(pending->user_code) + ").</p>" +
                  decision_form("/oauth2/device", "user_code", pending->user_code));
}

void handle_verification_post(ServerContext& ctx, const httplib::Request& req,
                              httplib::Response& res) {
    const auto decision = parse_decision(req.body, "user_code");
    if (!decision) {
        send_html(res, 400, "Bad request", "<p>Send user_code and action=approve or deny.</p>");
        return;
    }
    if (!ctx.oauth.devices.decide(decision->id, decision->approve, default_subject(ctx))) {
        send_unknown_code(res);
        return;
    }
    send_decided(res, decision->approve);
}

void handle_admin_decision(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                           bool approve) {
    rapidjson::Document body;
    if (!read_admin_json(req, res, body)) {
        return;
    }
    const std::string user_code = json_member(body, "user_code").value_or("");
    const std::string sub = json_member(body, "sub").value_or(default_subject(ctx));
    const auto decided = ctx.oauth.devices.decide(user_code, approve, sub);
    if (!decided) {
        send_oauth_error(res, 404, "not_found",
                         user_code.empty() ? "no pending device authorization"
                                           : "no pending device authorization with that user_code");
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key(approve ? "approved" : "denied");
        write_string(w, *decided);
        w.EndObject();
    });
}

void handle_admin_slow_down(ServerContext& ctx, const httplib::Request& req,
                            httplib::Response& res) {
    rapidjson::Document body;
    if (!read_admin_json(req, res, body)) {
        return;
    }
    int count = 1;
    if (const auto it = body.FindMember("count"); it != body.MemberEnd()) {
        if (!it->value.IsInt() || it->value.GetInt() < 1) {
            send_oauth_error(res, 400, "invalid_request", "\"count\" must be an integer >= 1");
            return;
        }
        count = it->value.GetInt();
    }
    const auto affected =
        ctx.oauth.devices.force_slow_down(json_member(body, "user_code").value_or(""), count);
    send_json(res, affected == 0 ? 404 : 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("affected");
        w.Uint64(affected);
        w.EndObject();
    });
}

void handle_admin_list(ServerContext& ctx, httplib::Response& res) {
    const auto pending = ctx.oauth.devices.pending();
    send_pending_list(res, pending, [](JsonWriter& w, const auto& p) {
        w.Key("user_code");
        write_string(w, p.user_code);
        w.Key("client_id");
        write_string(w, p.client_id);
        w.Key("scope");
        write_string(w, p.scope);
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Post("/oauth2/device_authorization",
                [&ctx](Req req, Res res) { handle_authorization(ctx, req, res); });
    server.Get("/oauth2/device",
               [&ctx](Req req, Res res) { handle_verification_page(ctx, req, res); });
    server.Post("/oauth2/device",
                [&ctx](Req req, Res res) { handle_verification_post(ctx, req, res); });
    server.Get("/admin/device", [&ctx](Req, Res res) { handle_admin_list(ctx, res); });
    server.Post("/admin/device/approve",
                [&ctx](Req req, Res res) { handle_admin_decision(ctx, req, res, true); });
    server.Post("/admin/device/deny",
                [&ctx](Req req, Res res) { handle_admin_decision(ctx, req, res, false); });
    server.Post("/admin/device/slow_down",
                [&ctx](Req req, Res res) { handle_admin_slow_down(ctx, req, res); });
}

const RouteModule kModule{"device", install};

}  // namespace
}  // namespace devserver
