#include "token_endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "client_auth.hpp"
#include "json.hpp"

namespace devserver {
namespace {

constexpr const char* kRealm = "Basic realm=\"latchkey-devserver\"";

bool is_form_urlencoded(const httplib::Request& req) {
    std::string type = req.get_header_value("Content-Type");
    type = httplib::detail::trim_copy(type.substr(0, type.find(';')));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type == "application/x-www-form-urlencoded";
}

// Form fields from the body only: RFC 6749 §3.2 puts token request parameters in the
// POST body, so a query string must not be able to supply them. Empty values are dropped
// because §3.1 says a parameter without a value is treated as omitted.
httplib::Params parse_form(const std::string& body) {
    httplib::Params parsed;
    httplib::detail::parse_query_text(body, parsed);
    httplib::Params form;
    for (auto& [name, value] : parsed) {
        if (!value.empty()) {
            form.emplace(name, value);
        }
    }
    return form;
}

// RFC 6749 §3.1: parameters must not repeat. RFC 8707 makes `resource` the exception.
const std::string* repeated_param(const httplib::Params& form) {
    for (auto it = form.begin(); it != form.end(); it = form.upper_bound(it->first)) {
        if (it->first != "resource" && form.count(it->first) > 1) {
            return &it->first;
        }
    }
    return nullptr;
}

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> scopes;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view scope = text.substr(0, space);
        if (!scope.empty() && std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) {
            scopes.emplace_back(scope);
        }
        if (space == std::string_view::npos) {
            break;
        }
        text.remove_prefix(space + 1);
    }
    return scopes;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& s : scopes) {
        if (!out.empty()) {
            out += ' ';
        }
        out += s;
    }
    return out;
}

void reject_client(const httplib::Request& req, httplib::Response& res) {
    send_oauth_error(res, 401, "invalid_client", "client authentication failed");
    // RFC 6749 §5.2: a client that tried the Authorization header gets a challenge back.
    if (req.has_header("Authorization")) {
        res.set_header("WWW-Authenticate", kRealm);
    }
}

void handle_token(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count_token_request();
    // RFC 6749 §5.1: token responses must not be cached, errors included for good measure.
    res.set_header("Cache-Control", "no-store");
    res.set_header("Pragma", "no-cache");

    if (const auto fault = ctx.faults.take(); fault && apply_fault(*fault, req, res)) {
        return;
    }

    if (!is_form_urlencoded(req)) {
        send_oauth_error(res, 400, "invalid_request",
                         "body must be application/x-www-form-urlencoded");
        return;
    }
    const httplib::Params form = parse_form(req.body);
    if (const std::string* name = repeated_param(form)) {
        send_oauth_error(res, 400, "invalid_request", "parameter repeated: " + *name);
        return;
    }

    const auto credentials = extract_client_credentials(req, form);
    if (const auto* problem = std::get_if<AuthProblem>(&credentials)) {
        switch (*problem) {
            case AuthProblem::multiple_methods:
                send_oauth_error(res, 400, "invalid_request",
                                 "use exactly one client authentication method");
                return;
            case AuthProblem::mismatched_id:
                send_oauth_error(res, 400, "invalid_request",
                                 "client_id does not match the Authorization header");
                return;
            case AuthProblem::none_presented:
            case AuthProblem::malformed_basic:
                break;
        }
        reject_client(req, res);
        return;
    }
    const auto& presented = std::get<ClientCredentials>(credentials);
    const Client* client = ctx.clients.authenticate(presented.client_id, presented.client_secret);
    if (client == nullptr) {
        reject_client(req, res);
        return;
    }
    ctx.stats.record_authentication(client->id, presented.method);

    const auto grant_type = form.find("grant_type");
    if (grant_type == form.end()) {
        send_oauth_error(res, 400, "invalid_request", "grant_type is required");
        return;
    }
    if (grant_type->second != "client_credentials") {
        send_oauth_error(res, 400, "unsupported_grant_type",
                         "only client_credentials is supported");
        return;
    }

    // No scope asked for: grant the client's configured scopes (RFC 6749 §3.3 lets the
    // server apply a default), or none when the client may ask for anything.
    const auto scope_param = form.find("scope");
    const std::vector<std::string> scopes =
        scope_param == form.end() ? client->scope_order : split_scopes(scope_param->second);
    if (client->allowed_scopes) {
        for (const auto& scope : scopes) {
            if (!client->allowed_scopes->contains(scope)) {
                send_oauth_error(res, 400, "invalid_scope",
                                 "scope not allowed for this client: " + scope);
                return;
            }
        }
    }

    TokenGrant grant;
    grant.client_id = client->id;
    grant.scope = join_scopes(scopes);
    if (const auto audience = form.find("audience"); audience != form.end()) {
        grant.audience = audience->second;
    }
    for (auto [it, end] = form.equal_range("resource"); it != end; ++it) {
        grant.resources.push_back(it->second);
    }
    grant.expires_at = now_epoch_seconds() + ctx.token_lifetime;
    const std::string scope_text = grant.scope;
    const std::string token = ctx.tokens.issue(std::move(grant));

    ParamMap remembered(form.begin(), form.end());
    remembered.erase("client_secret");
    ctx.stats.record_issued(client->id, std::move(remembered));

    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("access_token");
        write_string(w, token);
        w.Key("token_type");
        w.String("Bearer");
        w.Key("expires_in");
        w.Int64(ctx.token_lifetime);
        w.Key("scope");
        write_string(w, scope_text);
        w.EndObject();
    });
}

}  // namespace

void register_token_endpoint(httplib::Server& server, ServerContext& ctx) {
    server.Post("/oauth2/token", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_token(ctx, req, res);
    });
    // A GET here is a client bug worth naming (RFC 6749 §3.2 requires POST), not a 404.
    server.Get("/oauth2/token", [](const httplib::Request&, httplib::Response& res) {
        send_oauth_error(res, 405, "invalid_request", "the token endpoint requires POST");
        res.set_header("Allow", "POST");
    });
}

}  // namespace devserver
