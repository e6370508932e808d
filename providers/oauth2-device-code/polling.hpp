// Step two of the device authorization grant (RFC 8628 §3.4-3.5): poll the
// token endpoint until the person approves, denies, or the code expires,
// with a countdown on the host's progress line.
#ifndef LATCHKEY_DEVICE_CODE_POLLING_HPP
#define LATCHKEY_DEVICE_CODE_POLLING_HPP

#include <algorithm>
#include <cstdint>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "device_authorization.hpp"

namespace latchkey::device_code {

inline constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr int64_t kSlowDownStepMs = 5000;  // RFC 8628 §3.5
// The longest wait between polls while the token endpoint is in trouble.
inline constexpr int64_t kMaxTroubleIntervalMs = 60'000;

namespace detail {

inline std::string countdown(int64_t ms_left) {
    int64_t s = std::max<int64_t>(0, (ms_left + 999) / 1000);
    std::string secs = std::to_string(s % 60);
    return std::to_string(s / 60) + ":" + (secs.size() < 2 ? "0" : "") + secs;
}

inline sdk::Error expired(const DeviceAuthorization& d) {
    return sdk::interaction_required("the code " + d.user_code + " expired before it was approved");
}

// Waits `ms`, one second at a time so the countdown moves. Throws when the
// person presses Ctrl-C or the code expires meanwhile.
inline void wait(const sdk::Host& host, const DeviceAuthorization& d, int64_t ms) {
    const int64_t wake = host.now_ms() + ms;
    for (int64_t now = host.now_ms(); now < wake; now = host.now_ms()) {
        if (now >= d.expires_at_ms) throw expired(d);
        host.progress("Waiting for approval of code " + d.user_code + " (" +
                      countdown(d.expires_at_ms - now) + " left, Ctrl-C to stop)");
        if (!host.sleep_ms(std::min<int64_t>(1000, wake - now))) {
            host.progress("");
            throw sdk::interaction_required("login cancelled; nothing was stored");
        }
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
// Retry-After asks, until the code expires. The first good answer restores
// the interval.
inline common::TokenResponse poll_for_token(const sdk::Host& host, const common::ClientAuth& auth,
                                            const std::string& token_url,
                                            const DeviceAuthorization& d) {
    int64_t interval = d.interval_ms;
    int64_t next_wait = interval;
    auto in_trouble = [&](const sdk::Error& e) {
        next_wait = std::max(std::min(next_wait * 2, kMaxTroubleIntervalMs), e.retry_after_ms());
        host.debug(std::string(e.what()) + "; polling again in " + std::to_string(next_wait) +
                   " ms");
    };
    for (;;) {
        detail::wait(host, d, next_wait);
        if (host.now_ms() >= d.expires_at_ms) throw detail::expired(d);
        sdk::HttpRequest req = common::client_form_request(
            host, auth, token_url,
            {{"grant_type", kDeviceCodeGrant}, {"device_code", d.device_code}}, token_url);
        sdk::HttpResponse resp;
        try {
            resp = host.http(req, {"content-type", "retry-after", "location"});
        } catch (const sdk::Error& e) {
            if (e.status() != LATCHKEY_E_TRANSIENT) {
                host.progress("");
                throw;
            }
            in_trouble(e);
            continue;
        }
        if (resp.status >= 200 && resp.status <= 299) {
            host.progress("");
            return common::parse_token_response(host, token_url, resp);
        }
        auto e = common::parse_oauth_error(resp.body);
        if (e && e->code == "authorization_pending") {
            next_wait = interval;
            continue;
        }
        if (e && e->code == "slow_down") {
            interval += kSlowDownStepMs;
            next_wait = interval;
            host.debug("slow_down: polling every " + std::to_string(interval) + " ms");
            continue;
        }
        if (e && e->code == "expired_token") {
            host.progress("");
            throw detail::expired(d);
        }
        if (e && e->code == "access_denied") {
            host.progress("");
            throw sdk::rejected("the login with code " + d.user_code + " was denied at the server");
        }
        sdk::Error failure = common::token_endpoint_error(token_url, resp);
        if (failure.status() == LATCHKEY_E_TRANSIENT) {
            in_trouble(failure);
            continue;
        }
        host.progress("");
        throw failure;
    }
}

}  // namespace latchkey::device_code

#endif  // LATCHKEY_DEVICE_CODE_POLLING_HPP
