#include "token_endpoint.hpp"

#include <string>

#include "authenticate_client.hpp"
#include "form.hpp"
#include "grants.hpp"
#include "json.hpp"

namespace devserver {
namespace {

void handle_token(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count_token_request();
    // RFC 6749 §5.1: token responses must not be cached, errors included for good measure.
    res.set_header("Cache-Control", "no-store");
    res.set_header("Pragma", "no-cache");

    if (const auto fault = ctx.faults.take(); fault && apply_fault(*fault, req, res)) {
        return;
    }

    httplib::Params form;
    if (!read_oauth_form(req, res, form)) {
        return;
    }
    const std::string* grant_type = param(form, "grant_type");
    const GrantEntry* grant = grant_type == nullptr ? nullptr : find_grant(*grant_type);

    AuthenticatedClient client;
    if (!require_client(ctx, req, res, form, client, grant != nullptr && grant->allow_anonymous)) {
        return;
    }
    if (grant_type == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "grant_type is required");
        return;
    }
    if (grant == nullptr) {
        send_oauth_error(res, 400, "unsupported_grant_type",
                         "grant_type not supported: " + *grant_type);
        return;
    }
    GrantContext context{ctx, req, form, client.client, client.method, *grant_type};
    grant->handler(context, res);
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
