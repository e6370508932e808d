// grant_type=refresh_token (RFC 6749 §6). Rotation is on by default: every refresh
// answers a new refresh token and spends the old one; presenting a spent one is a replay,
// answered invalid_grant, and (unless refresh_replay_revokes_family=false) revokes the
// whole family, access tokens included. With refresh_rotation=false the same refresh
// token stays valid and the answer carries none (the client keeps its old one).
#include <optional>
#include <string>

#include "form.hpp"
#include "json.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "token_response.hpp"

namespace devserver {
namespace {

const char* refusal(RedeemOutcome outcome) {
    switch (outcome) {
        case RedeemOutcome::unknown:
            return "unknown refresh token";
        case RedeemOutcome::expired:
            return "refresh token expired";
        case RedeemOutcome::revoked:
            return "refresh token revoked";
        case RedeemOutcome::replayed:
            return "refresh token already used; its token family is revoked";
        case RedeemOutcome::wrong_client:
            return "refresh token was issued to another client";
        case RedeemOutcome::ok:
            break;
    }
    return "invalid refresh token";
}

void handle(GrantContext& grant, httplib::Response& res) {
    ServerContext& ctx = grant.ctx;
    const std::string* token = param(grant.form, "refresh_token");
    if (token == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "refresh_token is required");
        return;
    }
    // §6: a narrower scope may be asked for, never a wider one. Checked before the token
    // is spent, so a refused request leaves it usable.
    const std::string* asked = param(grant.form, "scope");
    if (const auto live = ctx.oauth.refresh.lookup(*token);
        asked != nullptr && live && live->client_id == grant.client->id) {
        const auto original = split_scopes(live->scope);
        for (const auto& scope : split_scopes(*asked)) {
            if (!has_scope(original, scope)) {
                send_oauth_error(res, 400, "invalid_scope",
                                 "scope was not part of the original grant: " + scope);
                return;
            }
        }
    }

    const bool rotate = setting_flag(ctx, "refresh_rotation", true);
    const bool revoke_family = setting_flag(ctx, "refresh_replay_revokes_family", true);
    const Redeemed redeemed =
        ctx.oauth.refresh.redeem(*token, grant.client->id, rotate, revoke_family);
    if (redeemed.outcome == RedeemOutcome::replayed) {
        ctx.stats.count("refresh_replays");
        if (revoke_family) {
            ctx.tokens.revoke(TokenFilter{"", "", redeemed.grant.family});
        }
    }
    if (redeemed.outcome != RedeemOutcome::ok) {
        send_oauth_error(res, 400, "invalid_grant", refusal(redeemed.outcome));
        return;
    }
    const auto original = split_scopes(redeemed.grant.scope);
    const auto scopes = asked == nullptr ? original : split_scopes(*asked);
    if (rotate) {
        ctx.stats.count("refresh_rotations");
    }
    TokenIssue issue;
    issue.scopes = scopes;
    issue.subject = redeemed.grant.subject;
    issue.refresh_token = rotate;
    issue.family = redeemed.grant.family;
    issue.refresh_scopes = original;
    send_token_response(grant, std::move(issue), res);
}

const GrantType kGrant{"refresh_token", handle};

}  // namespace
}  // namespace devserver
