// grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4-3.5): the device
// polls with its device_code until the user decides or the code expires.
#include <string>

#include "form.hpp"
#include "json.hpp"
#include "scopes.hpp"
#include "settings.hpp"
#include "token_response.hpp"

namespace devserver {
namespace {

void handle(GrantContext& grant, httplib::Response& res) {
    ServerContext& ctx = grant.ctx;
    const std::string* device_code = param(grant.form, "device_code");
    if (device_code == nullptr) {
        send_oauth_error(res, 400, "invalid_request", "device_code is required");
        return;
    }
    ctx.stats.count("device_polls");
    const PollResult poll = ctx.oauth.devices.poll(
        *device_code, grant.client->id, setting_seconds(ctx, "device_slow_down_increment", 5));
    switch (poll.outcome) {
        case PollOutcome::pending:
            send_oauth_error(res, 400, "authorization_pending", "the user has not decided yet");
            return;
        case PollOutcome::slow_down:
            ctx.stats.count("device_slow_downs");
            send_oauth_error(
                res, 400, "slow_down",
                "polling too fast; interval is now " + std::to_string(poll.interval) + " s");
            return;
        case PollOutcome::denied:
            send_oauth_error(res, 400, "access_denied", "the user denied the request");
            return;
        case PollOutcome::expired:
            send_oauth_error(res, 400, "expired_token", "the device code has expired");
            return;
        case PollOutcome::unknown:
            send_oauth_error(res, 400, "invalid_grant", "unknown or already used device_code");
            return;
        case PollOutcome::approved:
            break;
    }
    TokenIssue issue;
    issue.scopes = split_scopes(poll.scope);
    issue.subject = poll.subject;
    issue.refresh_token = setting_flag(ctx, "issue_refresh_tokens", true);
    send_token_response(grant, std::move(issue), res);
}

const GrantType kGrant{"urn:ietf:params:oauth:grant-type:device_code", handle};

}  // namespace
}  // namespace devserver
