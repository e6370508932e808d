// The development authorization server (tools/devserver) as a test fixture:
// started on 127.0.0.1 with a free port, stopped when the object goes.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace latchkey::test {

class DevServer {
 public:
    // `args` are extra flags, e.g. {"--client", "demo:s3cret:read,write"}.
    explicit DevServer(const std::vector<std::string>& args = {"--client", "demo:s3cret"});
    ~DevServer();

    const std::string& url() const { return url_; }
    // "https://127.0.0.1:PORT" when started with --tls-cert/--tls-key, else "".
    const std::string& tls_url() const { return tls_url_; }
    std::string token_url() const { return url_ + "/oauth2/token"; }

    // GET /admin/stats, parsed.
    rapidjson::Document stats() const;
    // Tokens issued to `client_id` so far.
    int issued(const std::string& client_id) const;
    // POST /admin/faults: mode "500" | "503" | "429" | "delay" | "malformed" | "html" |
    // "oversized" | "reset" | "none".
    // `retry_after_date`: a 429's Retry-After as an HTTP-date instead of seconds.
    void fault(const std::string& mode, int count = 1, int retry_after_s = 0, int delay_ms = 0,
               bool retry_after_date = false) const;
    int stop();

    // --- OAuth flows (tools/devserver; full API in the server's devserver-api notes) ---
    // POST /admin/refresh_tokens: a refresh token for `client_id`, as if a user flow had
    // issued it. `scope` "" = none; `sub` "" = the default user; expires_in_s < 0 = the
    // default lifetime, 0 = never.
    std::string seed_refresh_token(const std::string& client_id, const std::string& scope = "",
                                   const std::string& sub = "", int expires_in_s = -1) const;
    // POST /admin/tokens/revoke and /admin/tokens/expire. `filter_json` selects the tokens,
    // e.g. R"({"client_id":"demo"})" or R"({"token":"...","type":"refresh_token"})";
    // "{}" = all. Returns how many access + refresh tokens were affected.
    int revoke_tokens(const std::string& filter_json = "{}") const;
    int expire_tokens(const std::string& filter_json = "{}") const;
    // Device flow (RFC 8628) without a browser. `user_code` "" = the newest pending one.
    // approve/deny return the user code decided and throw when none is pending.
    std::string approve_device(const std::string& user_code = "",
                               const std::string& sub = "") const;
    std::string deny_device(const std::string& user_code = "") const;
    // The next `count` polls answer slow_down.
    void force_slow_down(const std::string& user_code = "", int count = 1) const;
    // User codes of the device authorizations still waiting for a decision.
    std::vector<std::string> pending_user_codes() const;
    // Authorization code flow without a browser (when auto_consent is off): decide the
    // pending request (`request_id` "" = the newest) and get the redirect URL the browser
    // would be sent to (redirect_uri?code=..&state=..&iss=.. or ?error=access_denied&..).
    // Throw when nothing is pending.
    std::string approve_authorization(const std::string& request_id = "",
                                      const std::string& sub = "") const;
    std::string deny_authorization(const std::string& request_id = "") const;
    // Request ids of the authorization requests waiting for consent.
    std::vector<std::string> pending_authorizations() const;

 private:
    std::unique_ptr<Child> child_;
    std::string url_;
    std::string tls_url_;
};

}  // namespace latchkey::test
