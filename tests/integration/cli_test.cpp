#include "cli_test.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <rapidjson/error/en.h>

extern char** environ;

namespace latchkey::itest {

namespace {

const char* const kProxyVars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                  "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};

// The test process itself talks to the dev server (stats, faults, whoami)
// through libcurl: no proxy may sit in between.
class NoProxyEnvironment : public ::testing::Environment {
   public:
    void SetUp() override {
        for (const char* v : kProxyVars) unsetenv(v);
    }
};

[[maybe_unused]] ::testing::Environment* const kNoProxy =
    ::testing::AddGlobalTestEnvironment(new NoProxyEnvironment);

// `token` and the credential helpers (git-credential, docker-credential-latchkey, ...)
// print a credential by design.
bool is_token_command(const std::vector<std::string>& args) {
    auto ends = [](const std::string& a, const std::string& tail) {
        return a.size() >= tail.size() && a.compare(a.size() - tail.size(), tail.size(), tail) == 0;
    };
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
        return a == "token" || ends(a, "-credential") || ends(a, "-credential-latchkey");
    });
}

}  // namespace

std::vector<std::string> devserver_clients() {
    return {"--client", kClient + ":" + kSecret, "--client", kOtherClient + ":" + kOtherSecret};
}

std::map<std::string, std::optional<std::string>> scrubbed_env() {
    std::map<std::string, std::optional<std::string>> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        std::string name = kv.substr(0, kv.find('='));
        if (name.rfind("LATCHKEY_", 0) == 0) env[name] = std::nullopt;
    }
    for (const char* v : kProxyVars) env[v] = std::nullopt;
    return env;
}

std::string join_args(const std::vector<std::string>& args) {
    std::string out;
    for (auto& a : args) out += (out.empty() ? "" : " ") + a;
    return out;
}

rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << "not JSON (" << rapidjson::GetParseError_En(d.GetParseError())
                                    << " at " << d.GetErrorOffset() << "):\n"
                                    << text;
    if (d.HasParseError()) d.SetNull();
    return d;
}

std::string json_string(const rapidjson::Value& v, const char* key) {
    if (!v.IsObject() || !v.HasMember(key) || !v[key].IsString()) {
        ADD_FAILURE() << "no string member '" << key << "'";
        return "";
    }
    return v[key].GetString();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

int closed_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) close(fd);
        throw std::runtime_error("cannot bind a port on 127.0.0.1");
    }
    int port = ntohs(a.sin_port);
    close(fd);
    return port;
}

// ---- CliTest ---------------------------------------------------------------

CliTest::CliTest() { policy_path_ = sandbox_.file("policy.toml"); }

RunOptions CliTest::options(const std::map<std::string, std::optional<std::string>>& extra) const {
    RunOptions o;
    o.env = scrubbed_env();
    o.env["HOME"] = sandbox_.path();
    o.env["XDG_STATE_HOME"] = sandbox_.file("state");
    o.env["XDG_CONFIG_HOME"] = sandbox_.file("config");
    // A `latchkey agent` socket of the machine (or of another test) is never asked.
    o.env["XDG_RUNTIME_DIR"] = sandbox_.file("run");
    o.env["DISPLAY"] = std::nullopt;  // never open a browser from a test
    o.env["WAYLAND_DISPLAY"] = std::nullopt;
    for (auto& [k, v] : env_) o.env[k] = v;
    for (auto& [k, v] : extra) o.env[k] = v;
    o.cwd = sandbox_.path();
    return o;
}

std::string CliTest::write_policy(const std::string& toml) { return sandbox_.write("policy.toml", toml); }

RunResult CliTest::run_cli(const std::vector<std::string>& args,
                           const std::map<std::string, std::optional<std::string>>& extra_env,
                           int timeout_ms) {
    RunOptions o = options(extra_env);
    o.timeout_ms = timeout_ms;
    RunResult r = test::latchkey(args, o);
    EXPECT_FALSE(r.timed_out) << "latchkey " << join_args(args) << " did not finish in " << timeout_ms
                              << " ms";
    record(args, r);
    return r;
}

RunResult CliTest::lk(const std::vector<std::string>& args,
                      const std::map<std::string, std::optional<std::string>>& extra_env, int timeout_ms) {
    std::vector<std::string> all{"--config", policy_path_};
    all.insert(all.end(), args.begin(), args.end());
    return run_cli(all, extra_env, timeout_ms);
}

void CliTest::record(const std::vector<std::string>& args, const RunResult& r) {
    runs_.push_back({args, r});
}

void CliTest::TearDown() {
    for (auto& run : runs_) {
        const std::string cmd = "latchkey " + join_args(run.args);
        const bool token_cmd = is_token_command(run.args);
        for (auto& s : never_) {
            EXPECT_EQ(run.result.out.find(s), std::string::npos)
                << "secret '" << s << "' on stdout of `" << cmd << "`:\n" << run.result.out;
            EXPECT_EQ(run.result.err.find(s), std::string::npos)
                << "secret '" << s << "' on stderr of `" << cmd << "`:\n" << run.result.err;
        }
        for (auto& s : tokens_) {
            if (!token_cmd) {
                EXPECT_EQ(run.result.out.find(s), std::string::npos)
                    << "credential '" << s << "' on stdout of `" << cmd << "`:\n" << run.result.out;
            }
            EXPECT_EQ(run.result.err.find(s), std::string::npos)
                << "credential '" << s << "' on stderr of `" << cmd << "`:\n" << run.result.err;
        }
        // Every access token the dev server issues starts with dev-at-.
        if (!token_cmd) {
            EXPECT_EQ(run.result.out.find("dev-at-"), std::string::npos)
                << "an access token on stdout of `" << cmd << "`:\n" << run.result.out;
        }
        EXPECT_EQ(run.result.err.find("dev-at-"), std::string::npos)
            << "an access token on stderr of `" << cmd << "`:\n" << run.result.err;
    }
}

// ---- DevServerTest ---------------------------------------------------------

DevServerTest::DevServerTest() : server_(devserver_clients()) {
    env_[kSecretVar] = kSecret;
    never_print(kSecret);
    never_print(kOtherSecret);
}

std::string DevServerTest::cc_site(const std::string& name, const std::string& extra,
                                   const std::string& client) const {
    return "[sites." + name + "]\n"
           "provider = \"oauth2-client-credentials\"\n"
           "token_url = \"" + server_.token_url() + "\"\n"
           "client_id = \"" + client + "\"\n"
           "client_secret = { env = \"" + kSecretVar + "\" }\n" + extra;
}

std::string DevServerTest::write_cc_policy(const std::string& extra) { return write_policy(cc_site("dev", extra)); }

test::HttpResult DevServerTest::whoami(const std::string& header_line) const {
    return test::http_get(server_.url() + "/api/whoami", header_line);
}

int DevServerTest::token_requests() const { return server_.stats()["token_requests"].GetInt(); }

}  // namespace latchkey::itest
