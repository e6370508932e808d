// What the authorization code tests share: a dev server with a public client
// (loopback logins) and a confidential one with a registered non-loopback
// redirect (pasted logins), policies for both, and a scripted browser.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli_test.hpp"
#include "interactive_run.hpp"

namespace latchkey::itest {

// A public client (no secret, client authentication "none").
inline const std::string kPublicClient = "lk-cli";
// Where the vendor of a pasted login sends the browser; nothing listens there.
inline const std::string kVendorRedirect = "https://vendor.example/callback";

class AuthCodeTest : public CliTest {
 protected:
    // `extra_server_args` are added to the dev server's flags.
    explicit AuthCodeTest(const std::vector<std::string>& extra_server_args = {});
    void TearDown() override;

    // [sites.app] with the provider and `body`, where $SERVER, $PUBLIC_CLIENT,
    // $CLIENT, $SECRET_VAR and $VENDOR_REDIRECT stand for the test's values.
    std::string site(const std::string& body) const;
    // [sites.app]: a loopback login of the public client; `extra` goes inside.
    std::string loopback_site(const std::string& extra = "") const;
    // [sites.app]: a pasted login of the confidential client, the secret from
    // the environment.
    std::string paste_site(const std::string& extra = "") const;

    // Makes $BROWSER a shell script: a fixed header (helpers `redirect URL`,
    // the address the authorization server sends the browser to, and `get
    // URL N`, which fetches URL and records the page and status as N) then
    // `body`. "$1" is the address latchkey opens.
    void use_browser(const std::string& body);
    // The scripted browser that logs in and follows the redirect once.
    void use_following_browser() { use_browser("get \"$(redirect \"$1\")\" 1\n"); }

    // `latchkey ARGS` with the browser and recorded for the leak checks.
    RunResult lkb(const std::vector<std::string>& args, const std::string& stdin_data = "",
                  int timeout_ms = 60'000);

    // `latchkey --config POLICY ARGS` started for the test to talk to; pass
    // what it printed to keep() when done.
    std::unique_ptr<InteractiveRun> start(const std::vector<std::string>& args);
    // Records a run for the leak checks (CliTest's and the refresh tokens').
    void keep(const std::vector<std::string>& args, const RunResult& r);

    // The addresses the browser was asked to open, one per line ("" if never).
    std::string opened() const;
    // Page N as the browser got it, and its HTTP status; waits (bounded) for
    // the script to record it.
    std::string page(int n) const;
    int page_status(int n) const;

    // GET /api/whoami with `token` as a Bearer token.
    test::HttpResult whoami_with(const std::string& token) const;
    // The grant counters of `client`: how often each grant_type was used.
    int grants(const std::string& client, const std::string& grant) const;

    // The address the authorization server redirects `authorize_url` to (curl, no follow).
    std::string redirect_of(const std::string& authorize_url) const;

    test::DevServer server_;

 private:
    std::string browser_dir() const { return sandbox_.file("browser"); }
    std::vector<std::string> outputs_;
};

// The first line of `text` that starts with `prefix` after leading spaces, or "".
std::string line_starting(const std::string& text, const std::string& prefix);

// The value of query parameter `name` in `url` (as it appears, still encoded), or "".
std::string query_value(const std::string& url, const std::string& name);

}  // namespace latchkey::itest
