// What the credential-helper tests share: the dev server (whose current
// token is the only one the stub servers accept), the stub servers of
// stub_servers.py, and a way to run a real client (git, kubectl, skopeo,
// aws) in the sandbox with latchkey and its helper links on PATH.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_test.hpp"

namespace latchkey::itest {

inline const std::string kOtherSecretVar = "INTEG_OTHER_CLIENT_SECRET";

// A stub server of stub_servers.py, stopped when it goes.
class Stub {
 public:
    Stub(const std::string& mode, const std::vector<std::string>& args);
    const std::string& url() const { return url_; }
    // "127.0.0.1:PORT"
    std::string host() const { return url_.substr(url_.find("://") + 3); }

 private:
    std::unique_ptr<test::Child> child_;
    std::string url_;
};

class HelperTest : public CliTest {
 protected:
    // `token_lifetime_s`: the dev server's access-token lifetime.
    explicit HelperTest(int token_lifetime_s = 3600);

    // A client-credentials [sites.NAME] for the dev server; `extra` goes in the table.
    std::string site(const std::string& name, const std::string& extra,
                     const std::string& client = kClient) const;

    // Runs a client program in the sandbox: latchkey's build directory first
    // on PATH, LATCHKEY_CONFIG = the policy, no prompts. Recorded for the
    // check that no output holds a secret.
    RunResult tool(const std::vector<std::string>& argv,
                   const std::map<std::string, std::optional<std::string>>& extra_env = {},
                   const std::string& stdin_data = "", int timeout_ms = 60'000);

    // The dev server's /api/whoami status for `token` (200: it is current).
    long whoami_status(const std::string& token) const;
    // Tokens the dev server has issued so far.
    int issued() const;

    test::DevServer server_;
};

// The build's latchkey and its helper links.
std::string bin_dir();

}  // namespace latchkey::itest
