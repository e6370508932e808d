#include "auth_code_fixture.hpp"

#include <sys/stat.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace latchkey::itest {

namespace {

std::vector<std::string> server_args(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--client",  kPublicClient + ":",
                                  "--client",  kClient + ":" + kSecret,
                                  "--setting", "redirect_uri." + kClient + "=" + kVendorRedirect,
                                  "--setting", "auto_consent=true"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

bool exists(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0;
}

// Bounded wait for a file the browser script writes after latchkey may
// already have finished.
std::string wait_and_read(const std::string& path) {
    for (int i = 0; i < 100 && !exists(path); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return exists(path) ? test::read_file(path) : "";
}

}  // namespace

AuthCodeTest::AuthCodeTest(const std::vector<std::string>& extra_server_args)
    : server_(server_args(extra_server_args)) {
    env_[kSecretVar] = kSecret;
    env_["BROWSER"] = std::nullopt;  // only the tests' own scripted browser
    never_print(kSecret);
}

void AuthCodeTest::TearDown() {
    // Beyond the access tokens CliTest looks for: refresh tokens and
    // authorization codes never show either.
    for (auto& text : outputs_) {
        EXPECT_EQ(text.find("dev-rt-"), std::string::npos) << "a refresh token in:\n" << text;
        EXPECT_EQ(text.find("dev-ac-"), std::string::npos) << "an authorization code in:\n" << text;
    }
    CliTest::TearDown();
}

std::string AuthCodeTest::site(const std::string& body) const {
    std::string text = "[sites.app]\nprovider = \"oauth2-auth-code\"\n" + body;
    const std::pair<std::string, std::string> names[] = {
        {"$SERVER", server_.url()},  {"$PUBLIC_CLIENT", kPublicClient},     {"$CLIENT", kClient},
        {"$SECRET_VAR", kSecretVar}, {"$VENDOR_REDIRECT", kVendorRedirect},
    };
    for (auto& [name, value] : names)
        for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at))
            text.replace(at, name.size(), value);
    return text;
}

std::string AuthCodeTest::loopback_site(const std::string& extra) const {
    return site(R"(authorization_url = "$SERVER/oauth2/authorize"
token_url = "$SERVER/oauth2/token"
client_id = "$PUBLIC_CLIENT"
scopes = ["openid", "offline_access"]
)" + extra);
}

std::string AuthCodeTest::paste_site(const std::string& extra) const {
    return site(R"(authorization_url = "$SERVER/oauth2/authorize"
token_url = "$SERVER/oauth2/token"
client_id = "$CLIENT"
client_secret = { env = "$SECRET_VAR" }
client_auth = "client_secret_post"
scopes = ["offline_access"]
redirect = "paste"
redirect_url = "$VENDOR_REDIRECT"
)" + extra);
}

void AuthCodeTest::use_browser(const std::string& body) {
    const std::string dir = browser_dir();
    std::string script =
        "#!/bin/sh\n"
        "# The scripted user agent; $1 is the address latchkey opens.\n"
        "out='" +
        dir +
        "'\n"
        "mkdir -p \"$out\"\n"
        "printf '%s\\n' \"$1\" >> \"$out/opened\"\n"
        "redirect() { curl -sS --noproxy '*' --max-time 10 -o /dev/null "
        "-w '%{redirect_url}' \"$1\"; }\n"
        "get() {\n"
        "  curl -sS --noproxy '*' --max-time 10 -o \"$out/page$2.tmp\" -w '%{http_code}' \"$1\" "
        "> \"$out/status$2.tmp\"\n"
        "  mv \"$out/page$2.tmp\" \"$out/page$2\"; mv \"$out/status$2.tmp\" \"$out/status$2\"\n"
        "}\n" +
        body;
    std::string path = sandbox_.write("browser.sh", script, 0700);
    env_["BROWSER"] = path;
}

RunResult AuthCodeTest::lkb(const std::vector<std::string>& args, const std::string& stdin_data,
                            int timeout_ms) {
    std::vector<std::string> all{"--config", policy()};
    all.insert(all.end(), args.begin(), args.end());
    RunOptions o = options();
    o.stdin_data = stdin_data;
    o.timeout_ms = timeout_ms;
    RunResult r = test::latchkey(all, o);
    keep(all, r);
    return r;
}

std::unique_ptr<InteractiveRun> AuthCodeTest::start(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LATCHKEY_CLI_PATH, "--config", policy()};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<InteractiveRun>(argv, options());
}

void AuthCodeTest::keep(const std::vector<std::string>& args, const RunResult& r) {
    EXPECT_FALSE(r.timed_out) << "latchkey " << join_args(args) << " did not finish";
    record(args, r);
    outputs_.push_back(r.out);
    outputs_.push_back(r.err);
}

std::string AuthCodeTest::opened() const {
    const std::string path = browser_dir() + "/opened";
    return exists(path) ? test::read_file(path) : "";
}

std::string AuthCodeTest::page(int n) const {
    return wait_and_read(browser_dir() + "/page" + std::to_string(n));
}

int AuthCodeTest::page_status(int n) const {
    std::string s = wait_and_read(browser_dir() + "/status" + std::to_string(n));
    return s.empty() ? 0 : std::stoi(s);
}

test::HttpResult AuthCodeTest::whoami_with(const std::string& token) const {
    return test::http_get(server_.url() + "/api/whoami", "Authorization: Bearer " + token);
}

int AuthCodeTest::grants(const std::string& client, const std::string& grant) const {
    auto d = server_.stats();
    if (!d.HasMember("clients") || !d["clients"].HasMember(client.c_str())) return 0;
    const auto& c = d["clients"][client.c_str()];
    if (!c.HasMember("grants") || !c["grants"].HasMember(grant.c_str())) return 0;
    return c["grants"][grant.c_str()].GetInt();
}

std::string AuthCodeTest::redirect_of(const std::string& authorize_url) const {
    RunOptions o;
    o.env = scrubbed_env();
    auto r = test::run({"/usr/bin/curl", "-sS", "--noproxy", "*", "--max-time", "10", "-o",
                        "/dev/null", "-w", "%{redirect_url}", authorize_url},
                       o);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

std::string line_starting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        size_t start = line.find_first_not_of(' ');
        if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0)
            return line.substr(start);
    }
    return "";
}

std::string query_value(const std::string& url, const std::string& name) {
    for (const std::string sep : {"?", "&"}) {
        size_t at = url.find(sep + name + "=");
        if (at == std::string::npos) continue;
        size_t start = at + sep.size() + name.size() + 1;
        return url.substr(start, url.find_first_of("&#", start) - start);
    }
    return "";
}

}  // namespace latchkey::itest
