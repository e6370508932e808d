// GET /oauth2/authorize (RFC 6749 §4.1.1, PKCE per RFC 7636, S256 only). A bad client_id
// or redirect_uri gets a 400 page (never a redirect to an unchecked URI); every other
// error is a redirect with error=... (§4.1.2.1). Consent:
//   --setting auto_consent=true   302 to redirect_uri?code=..&state=..&iss=.. at once;
//   otherwise                     a small HTML page, pending until decided by
//     POST /oauth2/authorize/decision  form request_id + action=approve|deny (the buttons),
//     POST /admin/authorize/approve    {"request_id"?, "sub"?} -> {"redirect": URL}
//     POST /admin/authorize/deny       {"request_id"?}          -> {"redirect": URL}
//   after which GET /oauth2/authorize?request_id=ID answers the 302 as well.
//   GET /admin/authorize lists the pending requests.
// Answers carry iss (RFC 9207) so a client can tell which server answered.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admin_json.hpp"
#include "form.hpp"
#include "html_page.hpp"
#include "json.hpp"
#include "pkce.hpp"
#include "redirect_uri.hpp"
#include "routes.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "users.hpp"

namespace devserver {
namespace {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

void redirect(httplib::Response& res, const std::string& location) {
    res.status = 302;
    res.set_header("Location", location);
    res.set_header("Cache-Control", "no-store");
}

std::string error_redirect(const ServerContext& ctx, const AuthorizationRequest& request,
                           const std::string& error, const std::string& description) {
    QueryParams params{{"error", error}, {"error_description", description}};
    if (!request.state.empty()) {
        params.emplace_back("state", request.state);
    }
    params.emplace_back("iss", ctx.issuer);
    return with_query(request.redirect_uri, params);
}

std::string code_redirect(const ServerContext& ctx, const AuthorizationRequest& request,
                          const std::string& code) {
    QueryParams params{{"code", code}};
    if (!request.state.empty()) {
        params.emplace_back("state", request.state);
    }
    params.emplace_back("iss", ctx.issuer);
    return with_query(request.redirect_uri, params);
}

double code_lifetime(const ServerContext& ctx) {
    return setting_seconds(ctx, "auth_code_lifetime", 60);
}

void send_bad_request_page(httplib::Response& res, const std::string& what) {
    send_html(res, 400, "Authorization request refused",
              "<p id=\"error\">invalid_request</p><p>" + html_escape(what) + "</p>");
}

void send_consent_page(httplib::Response& res, const std::string& request_id,
                       const AuthorizationRequest& request) {
    const std::string id = html_escape(request_id);
    send_html(res, 200, "Authorize application",
              "<p id=\"result\">pending</p><p id=\"request\">" + id + "</p><p>Client <b>" +
                  html_escape(request.client_id) + "</b> asks for scope <b>" +
                  html_escape(request.scope) + "</b>.</p>" +
                  decision_form("/oauth2/authorize/decision", "request_id", request_id));
}

// The error a request earns after its client and redirect URI are known good, if any.
std::optional<std::pair<std::string, std::string>> request_error(const ServerContext& ctx,
                                                                 const httplib::Request& req,
                                                                 const Client& client,
                                                                 AuthorizationRequest& request) {
    const std::string response_type = req.get_param_value("response_type");
    if (response_type != "code") {
        return std::pair{std::string("unsupported_response_type"),
                         std::string("only response_type=code is supported")};
    }
    const std::string method = req.get_param_value("code_challenge_method");
    if (!request.code_challenge.empty() || !method.empty()) {
        if (method != "S256") {
            return std::pair{std::string("invalid_request"),
                             std::string("code_challenge_method must be S256")};
        }
        if (!is_valid_code_challenge(request.code_challenge)) {
            return std::pair{std::string("invalid_request"),
                             std::string("code_challenge must be 43 base64url characters")};
        }
    } else if (setting_flag(ctx, "require_pkce", true)) {
        return std::pair{std::string("invalid_request"),
                         std::string("code_challenge (PKCE, S256) is required")};
    }
    std::optional<std::string> refused;
    const std::string scope_text = req.get_param_value("scope");
    const auto scopes =
        granted_scopes(client, req.has_param("scope") ? &scope_text : nullptr, refused);
    if (refused) {
        return std::pair{std::string("invalid_scope"),
                         "scope not allowed for this client: " + *refused};
    }
    request.scope = join_scopes(scopes);
    return std::nullopt;
}

void handle_second_visit(ServerContext& ctx, const std::string& request_id,
                         httplib::Response& res) {
    if (const auto location = ctx.oauth.authorizations.redirect_for(request_id)) {
        redirect(res, *location);
    } else if (const auto pending = ctx.oauth.authorizations.find_pending(request_id)) {
        send_consent_page(res, request_id, *pending);
    } else {
        send_bad_request_page(res, "unknown request_id");
    }
}

void handle_authorize(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("request_id")) {
        handle_second_visit(ctx, req.get_param_value("request_id"), res);
        return;
    }
    ctx.stats.count("authorization_requests");
    AuthorizationRequest request;
    request.client_id = req.get_param_value("client_id");
    request.redirect_uri = req.get_param_value("redirect_uri");
    request.state = req.get_param_value("state");
    request.code_challenge = req.get_param_value("code_challenge");
    request.nonce = req.get_param_value("nonce");

    const Client* client = ctx.clients.find(request.client_id);
    if (client == nullptr) {
        send_bad_request_page(res, "unknown client_id");
        return;
    }
    if (request.redirect_uri.empty() && client->redirect_uris.size() == 1) {
        request.redirect_uri = client->redirect_uris.front();  // §3.1.2.3: the only one
    }
    if (request.redirect_uri.empty() || !is_allowed_redirect(*client, request.redirect_uri)) {
        send_bad_request_page(res,
                              "redirect_uri must be a loopback http URI or registered for "
                              "this client");
        return;
    }
    if (const auto error = request_error(ctx, req, *client, request)) {
        redirect(res, error_redirect(ctx, request, error->first, error->second));
        return;
    }
    if (setting_flag(ctx, "auto_consent", false)) {
        const std::string code =
            ctx.oauth.authorizations.issue_code(request, default_subject(ctx), code_lifetime(ctx));
        redirect(res, code_redirect(ctx, request, code));
        return;
    }
    send_consent_page(res, ctx.oauth.authorizations.add_pending(request), request);
}

// Decides a pending request (empty id: the newest) and returns where the browser goes
// next, remembered for a second visit.
std::optional<std::string> decide(ServerContext& ctx, const std::string& request_id, bool approve,
                                  const std::string& subject) {
    auto decision =
        ctx.oauth.authorizations.decide(request_id, approve, subject, code_lifetime(ctx));
    if (!decision) {
        return std::nullopt;
    }
    const std::string location = decision->code
                                     ? code_redirect(ctx, decision->request, *decision->code)
                                     : error_redirect(ctx, decision->request, "access_denied",
                                                      "the user denied the request");
    ctx.oauth.authorizations.remember_redirect(decision->request_id, location);
    return location;
}

void handle_decision(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto decision = parse_decision(req.body, "request_id");
    if (!decision) {
        send_bad_request_page(res, "send request_id and action=approve or deny");
        return;
    }
    const auto location = decide(ctx, decision->id, decision->approve, default_subject(ctx));
    if (!location) {
        send_bad_request_page(res, "no pending request with that request_id");
        return;
    }
    redirect(res, *location);
}

void handle_admin_decision(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                           bool approve) {
    rapidjson::Document body;
    if (!read_admin_json(req, res, body)) {
        return;
    }
    const std::string request_id = json_member(body, "request_id").value_or("");
    const auto location =
        decide(ctx, request_id, approve, json_member(body, "sub").value_or(default_subject(ctx)));
    if (!location) {
        send_oauth_error(res, 404, "not_found", "no pending authorization request");
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("redirect");
        write_string(w, *location);
        w.EndObject();
    });
}

void handle_admin_list(ServerContext& ctx, httplib::Response& res) {
    const auto pending = ctx.oauth.authorizations.pending();
    send_pending_list(res, pending, [](JsonWriter& w, const auto& p) {
        w.Key("request_id");
        write_string(w, p.request_id);
        w.Key("client_id");
        write_string(w, p.request.client_id);
        w.Key("scope");
        write_string(w, p.request.scope);
        w.Key("redirect_uri");
        write_string(w, p.request.redirect_uri);
        w.Key("state");
        write_string(w, p.request.state);
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Get("/oauth2/authorize", [&ctx](Req req, Res res) { handle_authorize(ctx, req, res); });
    server.Post("/oauth2/authorize/decision",
                [&ctx](Req req, Res res) { handle_decision(ctx, req, res); });
    server.Get("/admin/authorize", [&ctx](Req, Res res) { handle_admin_list(ctx, res); });
    server.Post("/admin/authorize/approve",
                [&ctx](Req req, Res res) { handle_admin_decision(ctx, req, res, true); });
    server.Post("/admin/authorize/deny",
                [&ctx](Req req, Res res) { handle_admin_decision(ctx, req, res, false); });
}

const RouteModule kModule{"authorize", install};

}  // namespace
}  // namespace devserver
