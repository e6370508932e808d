#include "token_response.hpp"

#include "id_token.hpp"
#include "json.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "stats.hpp"

namespace devserver {
namespace {

constexpr double kRefreshLifetime = 30 * 24 * 3600;  // seconds; 0 in the setting: forever

}  // namespace

void send_token_response(GrantContext& grant, TokenIssue issue, httplib::Response& res) {
    ServerContext& ctx = grant.ctx;
    const Client& client = *grant.client;

    std::string refresh_token;
    if (issue.refresh_token) {
        RefreshGrant refresh;
        refresh.client_id = client.id;
        refresh.scope = join_scopes(issue.refresh_scopes.value_or(issue.scopes));
        refresh.subject = issue.subject;
        refresh.family = issue.family;
        const double lifetime = setting_seconds(ctx, "refresh_token_lifetime", kRefreshLifetime);
        refresh.expires_at =
            lifetime == 0 ? 0 : now_epoch_seconds() + static_cast<std::int64_t>(lifetime);
        refresh_token = ctx.oauth.refresh.issue(refresh);
        // The access token joins the family so revoking the family reaches it too.
        if (issue.family.empty()) {
            if (const auto issued = ctx.oauth.refresh.lookup(refresh_token)) {
                issue.family = issued->family;
            }
        }
    }

    TokenGrant access;
    access.client_id = client.id;
    access.scope = join_scopes(issue.scopes);
    access.audience = issue.audience;
    access.resources = issue.resources;
    access.expires_at = now_epoch_seconds() + ctx.token_lifetime;
    access.subject = issue.subject;
    access.family = issue.family;
    const std::string scope_text = access.scope;
    const std::string token = ctx.tokens.issue(std::move(access));

    ctx.stats.record_issued(client.id, without_secrets(grant.form));
    ctx.stats.record_grant(client.id, grant.grant_type);

    // OIDC Core §3.1.3.3: an ID token when the user granted openid.
    std::string id_token;
    if (!issue.subject.empty() && has_scope(issue.scopes, "openid")) {
        id_token = make_id_token(ctx, client.id, issue.subject, issue.nonce);
    }

    const std::string* instance_url = setting(ctx, "instance_url");
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("access_token");
        write_string(w, token);
        w.Key("token_type");
        w.String("Bearer");
        // Salesforce sends none: the client must know the session timeout.
        if (setting_flag(ctx, "send_expires_in", true)) {
            w.Key("expires_in");
            w.Int64(ctx.token_lifetime);
        }
        w.Key("scope");
        write_string(w, scope_text);
        if (!refresh_token.empty()) {
            w.Key("refresh_token");
            write_string(w, refresh_token);
        }
        if (!id_token.empty()) {
            w.Key("id_token");
            write_string(w, id_token);
        }
        // Salesforce answers every grant with the org's API host (its "instance").
        if (instance_url != nullptr) {
            w.Key("instance_url");
            write_string(w, *instance_url);
        }
        w.EndObject();
    });
}

}  // namespace devserver
