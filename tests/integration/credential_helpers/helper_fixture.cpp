#include "helper_fixture.hpp"

#include <cstdlib>

namespace latchkey::itest {

std::string bin_dir() { return std::string(LATCHKEY_BUILD_DIR) + "/bin"; }

Stub::Stub(const std::string& mode, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(LATCHKEY_SOURCE_DIR) +
                                      "/tests/integration/credential_helpers/"
                                      "stub_servers.py",
                                  mode};
    argv.insert(argv.end(), args.begin(), args.end());
    test::RunOptions o;
    o.env = scrubbed_env();
    child_ = std::make_unique<test::Child>(argv, o);
    auto line = child_->read_line(10'000);
    const std::string marker = "listening on ";
    if (!line || line->find(marker) == std::string::npos)
        throw std::runtime_error("stub server " + mode + " did not start");
    url_ = line->substr(line->find(marker) + marker.size());
}

HelperTest::HelperTest(int token_lifetime_s)
    : server_([&] {
          auto args = devserver_clients();
          args.insert(args.end(), {"--token-lifetime", std::to_string(token_lifetime_s)});
          return args;
      }()) {
    env_[kSecretVar] = kSecret;
    env_[kOtherSecretVar] = kOtherSecret;
    never_print(kSecret);
    never_print(kOtherSecret);
}

std::string HelperTest::site(const std::string& name, const std::string& extra,
                             const std::string& client) const {
    return "[sites." + name + "]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
           server_.token_url() + "\"\nclient_id = \"" + client + "\"\nclient_secret = { env = \"" +
           (client == kOtherClient ? kOtherSecretVar : kSecretVar) + "\" }\n" + extra + "\n";
}

RunResult HelperTest::tool(const std::vector<std::string>& argv,
                           const std::map<std::string, std::optional<std::string>>& extra_env,
                           const std::string& stdin_data, int timeout_ms) {
    RunOptions o = options(extra_env);
    const char* path = std::getenv("PATH");
    o.env["PATH"] = bin_dir() + ":" + (path ? path : "/usr/bin:/bin");
    o.env["LATCHKEY_CONFIG"] = policy();
    o.env["GIT_TERMINAL_PROMPT"] = "0";
    o.env["GIT_CONFIG_NOSYSTEM"] = "1";
    for (auto& [k, v] : extra_env) o.env[k] = v;
    o.stdin_data = stdin_data;
    o.timeout_ms = timeout_ms;
    // Debian's clients, by full path (the runner does not search PATH).
    std::vector<std::string> full = argv;
    if (full[0].find('/') == std::string::npos) full[0] = "/usr/bin/" + full[0];
    RunResult r = test::run(full, o);
    EXPECT_FALSE(r.timed_out) << join_args(argv) << " did not finish in " << timeout_ms << " ms";
    record(argv, r);
    return r;
}

long HelperTest::whoami_status(const std::string& token) const {
    return test::http_get(server_.url() + "/api/whoami", "Authorization: Bearer " + token).status;
}

int HelperTest::issued() const { return server_.issued(kClient) + server_.issued(kOtherClient); }

}  // namespace latchkey::itest
