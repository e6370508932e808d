#include "login_flow.hpp"

#include <algorithm>
#include <latchkey/common/progress_line.hpp>

#include "authorization_request.hpp"
#include "callback.hpp"
#include "loopback_listener.hpp"

namespace latchkey::auth_code {

namespace {

constexpr int64_t kPollMs = 100;

// "5m", "90s": the timeout as the person would write it in the policy.
std::string duration_text(int64_t ms) {
    int64_t s = (ms + 999) / 1000;
    return s % 60 == 0 ? std::to_string(s / 60) + "m" : std::to_string(s) + "s";
}

// Shows the address and, unless the policy says not to, opens the browser.
void present(const sdk::Host& host, const Settings& s, const std::string& address) {
    host.notice("To log in to site '" + host.site() + "', open this address in a browser:\n\n  " +
                address + "\n");
    if (s.open_browser && !host.open_url(address))
        host.notice("(No browser could be opened here; open the address above yourself.)");
}

Authorization accepted(const CallbackAnswer& a, const std::string& redirect_uri,
                       const sdk::Host& host) {
    if (a.kind != CallbackAnswer::Kind::code) throw callback_error(a);
    host.add_secret(a.code);
    return {a.code, redirect_uri};
}

// Waits, polling, for the listener's first callback; the host's sleep stops
// early on Ctrl-C.
CallbackAnswer wait_for_redirect(const sdk::Host& host, const Settings& s,
                                 const LoopbackListener& listener) {
    const int64_t deadline = host.now_ms() + s.login_timeout_ms;
    std::string shown;
    common::ProgressLine progress_line{host};
    for (;;) {
        if (auto a = listener.answer()) return *a;
        int64_t left = deadline - host.now_ms();
        if (left <= 0)
            throw sdk::internal_error("no login arrived from the browser within " +
                                      duration_text(s.login_timeout_ms) +
                                      " (option 'login_timeout'); nothing was stored, run the "
                                      "login again");
        std::string line = "Waiting for the browser login (" + duration_text(left) + " left)";
        if (line != shown) host.progress(shown = line);
        if (!host.sleep_ms(std::min(kPollMs, left)))
            throw sdk::internal_error("login cancelled; nothing was stored");
    }
}

sdk::Credential log_in_loopback(const sdk::Host& host, const Settings& s,
                                const AuthorizationServer& server, const RequestSecrets& secrets,
                                const Exchange& exchange) {
    LoopbackListener listener(s.redirect_port, s.redirect_path, {secrets.state, server.issuer});
    const std::string redirect_uri = listener.redirect_uri();
    present(host, s,
            authorization_address(host, s, server.authorization_url, redirect_uri, secrets));
    return exchange(accepted(wait_for_redirect(host, s, listener), redirect_uri, host));
}

sdk::Credential log_in_paste(const sdk::Host& host, const Settings& s,
                             const AuthorizationServer& server, const RequestSecrets& secrets,
                             const Exchange& exchange) {
    present(host, s,
            authorization_address(host, s, server.authorization_url, s.redirect_uri, secrets));
    host.notice("After the login the browser goes to " + s.redirect_uri +
                "?code=...; copy that whole address from the address bar and paste it here.");
    std::string pasted = host.prompt("Address after the login: ");
    return exchange(
        accepted(evaluate_pasted(pasted, s.redirect_uri, {secrets.state, server.issuer}),
                 s.redirect_uri, host));
}

}  // namespace

sdk::Credential log_in(const sdk::Host& host, const Settings& s, const AuthorizationServer& server,
                       const RequestSecrets& secrets, const Exchange& exchange) {
    return s.redirect == RedirectMode::loopback
               ? log_in_loopback(host, s, server, secrets, exchange)
               : log_in_paste(host, s, server, secrets, exchange);
}

}  // namespace latchkey::auth_code
