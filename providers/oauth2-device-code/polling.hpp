// Step two of the device authorization grant (RFC 8628 §3.4-3.5): poll the
// token endpoint until the person approves, denies, or the code expires,
// with a countdown on the host's progress line.
#ifndef LATCHKEY_DEVICE_CODE_POLLING_HPP
#define LATCHKEY_DEVICE_CODE_POLLING_HPP

#include <algorithm>
#include <cstdint>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/progress_line.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "device_authorization.hpp"

namespace latchkey::device_code {

inline constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr int64_t kSlowDownStepMs = 5000;  // RFC 8628 §3.5
// While the token endpoint is in trouble: the shortest and the longest wait
// between polls (never shorter than the server's interval, though).
inline constexpr int64_t kMinTroubleWaitMs = 1000;
inline constexpr int64_t kMaxTroubleWaitMs = 60'000;

namespace detail {

inline std::string countdown(int64_t ms_left) {
    int64_t s = std::max<int64_t>(0, (ms_left + 999) / 1000);
    std::string secs = std::to_string(s % 60);
    return std::to_string(s / 60) + ":" + (secs.size() < 2 ? "0" : "") + secs;
}

// `trouble`: why the last polls failed, if they did; the person then learns
// that the code may have run out because the server was not answering.
inline sdk::Error expired(const DeviceAuthorization& d, const std::string& trouble) {
    std::string m = "the code " + d.user_code + " expired before it was approved";
    if (!trouble.empty()) m += "; the token endpoint was failing meanwhile: " + trouble;
    return sdk::interaction_required(m);
}

// Waits `ms`, one second at a time so the countdown moves. Throws when the
// person presses Ctrl-C or the code expires meanwhile.
inline void wait(const sdk::Host& host, const DeviceAuthorization& d, int64_t ms,
                 const std::string& trouble) {
    const int64_t wake = host.now_ms() + ms;
    for (int64_t now = host.now_ms(); now < wake; now = host.now_ms()) {
        if (now >= d.expires_at_ms) throw expired(d, trouble);
        host.progress("Waiting for approval of code " + d.user_code + " (" +
                      countdown(d.expires_at_ms - now) + " left, Ctrl-C to stop" +
                      (trouble.empty() ? "" : "; the token endpoint is failing, retrying") + ")");
        if (!host.sleep_ms(std::min<int64_t>(1000, wake - now)))
            throw sdk::interaction_required("login cancelled; nothing was stored");
    }
}

}  // namespace detail

// The token the person approved for `d`. Throws interaction_required when the
// code expires or the person cancels, rejected when they deny it.
//
// Trouble at the token endpoint (no connection, a timeout, HTTP 5xx or 429)
// does not end the login: the person may be approving at that very moment.
// Polling goes on, less often (RFC 8628 §3.5: back off on connection
// timeouts; doubling is its recommendation), at least as long as a
// Retry-After asks and never more often than the server's interval, until
// the code expires; the expiry message then says what went wrong. The first
// good answer restores the interval.
inline common::TokenResponse poll_for_token(const sdk::Host& host, const common::ClientAuth& auth,
                                            const std::string& token_url,
                                            const DeviceAuthorization& d) {
    common::ProgressLine progress_line{host};
    int64_t interval = d.interval_ms;
    int64_t next_wait = interval;
    std::string trouble;  // why the last poll failed; "" after a good answer
    auto in_trouble = [&](const sdk::Error& e) {
        const int64_t doubled = std::max(next_wait * 2, kMinTroubleWaitMs);
        next_wait = std::max({interval, std::min(doubled, std::max(interval, kMaxTroubleWaitMs)),
                              e.retry_after_ms()});
        if (trouble.empty())
            host.warn(std::string(e.what()) + "; still waiting for approval, polling again in " +
                      std::to_string((next_wait + 999) / 1000) + " s");
        trouble = e.what();
        host.debug(trouble + "; polling again in " + std::to_string(next_wait) + " ms");
    };
    auto answered = [&] {
        trouble.clear();
        next_wait = interval;
    };
    for (;;) {
        detail::wait(host, d, next_wait, trouble);
        if (host.now_ms() >= d.expires_at_ms) throw detail::expired(d, trouble);
        sdk::HttpRequest req = common::client_form_request(
            host, auth, token_url,
            {{"grant_type", kDeviceCodeGrant}, {"device_code", d.device_code}}, token_url);
        sdk::HttpResponse resp;
        const int64_t requested_at_ms = host.now_ms();
        try {
            resp = host.http(req, {"content-type", "retry-after", "location"});
        } catch (const sdk::Error& e) {
            if (e.status() != LATCHKEY_E_TRANSIENT) throw;
            in_trouble(e);
            continue;
        }
        if (resp.status >= 200 && resp.status <= 299)
            return common::parse_token_response(host, token_url, resp, requested_at_ms);
        auto e = common::parse_oauth_error(resp.body);
        if (e && e->code == "authorization_pending") {
            answered();
            continue;
        }
        if (e && e->code == "slow_down") {
            interval += kSlowDownStepMs;
            answered();
            host.debug("slow_down: polling every " + std::to_string(interval) + " ms");
            continue;
        }
        if (e && e->code == "expired_token") throw detail::expired(d, "");
        if (e && e->code == "access_denied")
            throw sdk::rejected("the login with code " + d.user_code + " was denied at the server");
        sdk::Error failure = common::token_endpoint_error(host, token_url, resp);
        if (failure.status() != LATCHKEY_E_TRANSIENT) throw failure;
        in_trouble(failure);
    }
}

}  // namespace latchkey::device_code

#endif  // LATCHKEY_DEVICE_CODE_POLLING_HPP
