// What every integration test shares: a sandbox (private HOME, XDG state and
// config directories, no LATCHKEY_* variables), a policy file in it, a way to
// run the real `latchkey` binary there, and an automatic check, after every
// test, that no output of any command held a secret.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "devserver.hpp"
#include "http.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace latchkey::itest {

using test::RunOptions;
using test::RunResult;

// The dev server's client the tests use, and its secret. Distinctive values,
// so a leak cannot hide behind an ordinary word.
inline const std::string kClient = "demo";
inline const std::string kSecret = "s3cret-Integ-7f2c91";
inline const std::string kOtherClient = "other";
inline const std::string kOtherSecret = "0ther-Integ-55ab0e";
inline const std::string kSecretVar = "INTEG_CLIENT_SECRET";

// Dev server flags for the two clients above.
std::vector<std::string> devserver_clients();

// Environment for a child process: every LATCHKEY_* variable and every proxy
// variable of this process removed (requests must go straight to 127.0.0.1).
std::map<std::string, std::optional<std::string>> scrubbed_env();

// "A B C" for messages.
std::string join_args(const std::vector<std::string>& args);

// Parses `text` as JSON; fails the test (and returns a null document) if it is not.
rapidjson::Document parse_json(const std::string& text);

// The string member `key` of `v`, or "" (with a test failure) when absent.
std::string json_string(const rapidjson::Value& v, const char* key);

// The text up to the first newline (CLI output is one line plus "\n").
std::string first_line(const std::string& text);

// A port on 127.0.0.1 that was bound and closed again: nothing listens there.
int closed_port();

class CliTest : public ::testing::Test {
   protected:
    CliTest();
    void TearDown() override;

    // HOME, XDG_STATE_HOME, XDG_CONFIG_HOME in the sandbox; LATCHKEY_* removed.
    RunOptions options(const std::map<std::string, std::optional<std::string>>& extra = {}) const;

    // Writes the policy file (sandbox/policy.toml) and returns its path.
    std::string write_policy(const std::string& toml);
    const std::string& policy() const { return policy_path_; }

    // `latchkey ARGS` in the sandbox, recorded for the secret check.
    RunResult run_cli(const std::vector<std::string>& args,
                      const std::map<std::string, std::optional<std::string>>& extra_env = {},
                      int timeout_ms = 60'000);
    // `latchkey --config POLICY ARGS`.
    RunResult lk(const std::vector<std::string>& args,
                 const std::map<std::string, std::optional<std::string>>& extra_env = {},
                 int timeout_ms = 60'000);
    // Records a run made some other way (another binary, several at once).
    void record(const std::vector<std::string>& args, const RunResult& r);

    // A value that must never appear in any output.
    void never_print(const std::string& secret) { never_.push_back(secret); }
    // A credential: allowed on standard output of `token` only.
    void token_like(const std::string& value) { tokens_.push_back(value); }

    // Environment every run gets on top of options() (e.g. the client secret).
    std::map<std::string, std::optional<std::string>> env_;

    test::TempDir sandbox_;
    std::string state_dir() const { return sandbox_.file("state/latchkey"); }

   private:
    struct Recorded {
        std::vector<std::string> args;
        RunResult result;
    };
    std::vector<Recorded> runs_;
    std::vector<std::string> never_;
    std::vector<std::string> tokens_;
    std::string policy_path_;
};

// A CliTest with the dev server running and a client-credentials site `dev`
// pointing at it (see cc_site()).
class DevServerTest : public CliTest {
   protected:
    DevServerTest();

    // A [sites.NAME] table for the dev server's token endpoint; `extra` is
    // appended inside the table.
    std::string cc_site(const std::string& name = "dev", const std::string& extra = "",
                        const std::string& client = kClient) const;
    // Writes a policy with cc_site("dev", extra).
    std::string write_cc_policy(const std::string& extra = "");

    // GET /api/whoami with `header_line` ("Authorization: Bearer ...").
    test::HttpResult whoami(const std::string& header_line) const;
    int token_requests() const;

    test::DevServer server_;
};

}  // namespace latchkey::itest
