// grant_type=client_credentials (RFC 6749 §4.4): the client acts for itself.
#include <optional>
#include <string>

#include "form.hpp"
#include "json.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "token_response.hpp"

namespace devserver {
namespace {

void handle(GrantContext& grant, httplib::Response& res) {
    // §4.4: only confidential clients may use this grant.
    if (grant.method == AuthMethod::none) {
        send_oauth_error(res, 400, "unauthorized_client",
                         "a public client cannot use client_credentials");
        return;
    }
    std::optional<std::string> refused;
    const auto scopes = granted_scopes(*grant.client, param(grant.form, "scope"), refused);
    if (refused) {
        send_oauth_error(res, 400, "invalid_scope",
                         "scope not allowed for this client: " + *refused);
        return;
    }
    TokenIssue issue;
    issue.scopes = scopes;
    // §4.4.3 says a refresh token SHOULD NOT be issued here; a client that asks for
    // offline access, or a server set up to hand them out anyway, still gets one.
    issue.refresh_token = has_scope(scopes, "offline_access") ||
                          setting_flag(grant.ctx, "client_credentials_refresh", false);
    if (const std::string* audience = param(grant.form, "audience")) {
        issue.audience = *audience;
    }
    for (auto [it, end] = grant.form.equal_range("resource"); it != end; ++it) {
        issue.resources.push_back(it->second);
    }
    send_token_response(grant, std::move(issue), res);
}

const GrantType kGrant{"client_credentials", handle};

}  // namespace
}  // namespace devserver
