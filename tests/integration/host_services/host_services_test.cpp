// ABI 1.1 host services through the CLI and the test-services plugin: every
// service a provider can call, and what a user sees when it fails.
#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kPluginDir = std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/services";

class HostServices : public CliTest {
 protected:
    std::string events() const { return sandbox_.file("events.txt"); }

    // `[sites.svc]` with the test-services provider; `extra` goes inside.
    std::string svc_site(const std::string& name = "svc", const std::string& extra = "") const {
        return "[sites." + name + "]\nprovider = \"test-services\"\nevents_file = \"" + events() +
               "\"\n" + extra + "\n";
    }

    RunResult svc(std::vector<std::string> args, const std::string& stdin_data = "") {
        args.insert(args.begin(), {"--plugin-dir", kPluginDir});
        if (stdin_data.empty()) return lk(args);
        auto o = options(env_);
        o.stdin_data = stdin_data;
        std::vector<std::string> argv = {"--config", policy()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = test::latchkey(argv, o);
        record(argv, r);
        return r;
    }

    std::string make_key(const std::string& passphrase = "") {
        const std::string key = sandbox_.file("key.pem");
        std::vector<std::string> argv = {
            "/usr/bin/openssl",     "genpkey", "-algorithm", "RSA", "-pkeyopt",
            "rsa_keygen_bits:2048", "-out",    key};
        if (!passphrase.empty())
            argv.insert(argv.end(), {"-aes256", "-pass", "pass:" + passphrase});
        auto r = test::run(argv);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return key;
    }
};

TEST_F(HostServices, WhoamiPrintsTheProvidersDescription) {
    write_policy(svc_site());
    auto text = svc({"whoami"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("svc\n  sub: svc-user\n  site: svc\n"), std::string::npos) << text.out;

    auto json = svc({"-o", "json", "whoami"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    auto doc = parse_json(json.out);
    EXPECT_EQ(json_string(doc, "sub"), "svc-user");
}

TEST_F(HostServices, WhoamiOnAProviderWithoutItSaysSo) {
    write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = \"ak-Host-Svc-51d2\"\n");
    never_print("ak-Host-Svc-51d2");
    auto r = lk({"whoami"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("site 'api'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cannot tell who a credential belongs to"), std::string::npos) << r.err;
}

TEST_F(HostServices, LogoutRevokesThenErases) {
    write_policy(svc_site());
    ASSERT_EQ(svc({"login"}).exit_code, 0);
    auto r = svc({"logout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "logged out of svc\n");
    EXPECT_EQ(test::read_file(events()), "revoke with refresh token\n");
    auto status = svc({"status"});
    EXPECT_NE(status.out.find("not logged in"), std::string::npos) << status.out;
    // Nothing stored: nothing to revoke.
    ASSERT_EQ(svc({"logout"}).exit_code, 0);
    EXPECT_EQ(test::read_file(events()), "revoke with refresh token\n");
}

TEST_F(HostServices, FailedRevocationWarnsAndStillErases) {
    write_policy(svc_site("svc", "revoke_fails = true"));
    ASSERT_EQ(svc({"login"}).exit_code, 0);
    auto r = svc({"logout"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: site 'svc': the server did not confirm revocation: "
                         "test-services: revocation endpoint unavailable"),
              std::string::npos)
        << r.err;
    EXPECT_NE(svc({"status"}).out.find("not logged in"), std::string::npos);
}

TEST_F(HostServices, CacheIsSharedThroughStorageBetweenProcesses) {
    write_policy(svc_site());
    ASSERT_EQ(svc({"login"}).exit_code, 0);
    EXPECT_NE(svc({"status"}).out.find("  cache: miss\n"), std::string::npos);
    ASSERT_EQ(svc({"login", "--force"}).exit_code, 0);
    auto status = svc({"status"});
    EXPECT_NE(status.out.find("  cache: hit:v1\n"), std::string::npos) << status.out;
}

// The provider's cache lives in its own key space: no identity of its own in
// `storage list`, and gone with its site.
TEST_F(HostServices, TheCacheIsNoIdentityAndGoesWithItsSite) {
    write_policy(svc_site() + svc_site("other"));
    ASSERT_EQ(svc({"--at", "svc", "login"}).exit_code, 0);
    ASSERT_EQ(svc({"--at", "other", "login"}).exit_code, 0);
    auto cache_files = [&] {
        std::vector<std::string> out;
        for (auto& e : std::filesystem::directory_iterator(state_dir()))
            if (e.path().filename().string().rfind("_cache.", 0) == 0)
                out.push_back(e.path().filename().string());
        return out;
    };
    ASSERT_EQ(cache_files().size(), 2u);

    auto list = svc({"storage", "list", "--all"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out.find("unused"), std::string::npos) << list.out;
    EXPECT_EQ(list.out.find("_cache"), std::string::npos) << list.out;

    auto removed = svc({"sites", "remove", "svc"});
    ASSERT_EQ(removed.exit_code, 0) << removed.err;
    auto left = cache_files();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_NE(left[0].find(".other."), std::string::npos) << left[0];
}

TEST_F(HostServices, FetchSiteServesAnotherSitesCredential) {
    write_policy(svc_site("svc", "source_site = \"api\"") +
                 "[sites.api]\nprovider = \"api-key\"\napi_key = \"ak-Source-77e1\"\n"
                 "header = \"X-Api-Key: {token}\"\n");
    token_like("ak-Source-77e1");
    auto r = svc({"--at", "svc", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "via-api-ak-Source-77e1\n");
    auto status = svc({"--at", "svc", "status"});
    EXPECT_NE(status.out.find("  source_header: X-Api-Key\n"), std::string::npos) << status.out;
}

TEST_F(HostServices, SourcesThatLoopAreRefused) {
    write_policy(svc_site("a", "source_site = \"b\"") + svc_site("b", "source_site = \"a\""));
    auto r = svc({"--at", "a", "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("sources lead back to site 'a' (a -> b -> a)"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(HostServices, UnknownSourceSiteIsNamed) {
    write_policy(svc_site("svc", "source_site = \"nowhere\""));
    auto r = svc({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
}

TEST_F(HostServices, SignsWithAnEncryptedKey) {
    const std::string pass = "Key-Pass-Host-0a7c";
    never_print(pass);
    const std::string key = make_key(pass);
    write_policy(svc_site("svc", "key_file = \"" + key + "\"\nkey_passphrase = { env = \"KP\" }"));
    env_["KP"] = pass;
    ASSERT_EQ(svc({"login"}).exit_code, 0);
    EXPECT_NE(svc({"status"}).out.find("  signature_bytes: 256\n"), std::string::npos);
}

// A plugin's own STRING option holding `~/key.pem` reaches `sign` as typed:
// the service expands the home directory itself (HOME is the sandbox).
TEST_F(HostServices, SignsWithAKeyUnderTheHomeDirectory) {
    make_key();
    for (const char* path : {"~/key.pem", "$HOME/key.pem", "${HOME}/key.pem"}) {
        write_policy(svc_site("svc", std::string("key_file = \"") + path + "\""));
        auto r = svc({"login", "--force"});
        ASSERT_EQ(r.exit_code, 0) << path << "\n" << r.err;
        EXPECT_NE(svc({"status"}).out.find("  signature_bytes: 256\n"), std::string::npos) << path;
    }
}

TEST_F(HostServices, WrongKeyPassphraseIsAConfigErrorNamingTheKey) {
    never_print("Wrong-Pass-1f0e");
    const std::string key = make_key("Right-Pass-88aa");
    write_policy(
        svc_site("svc", "key_file = \"" + key + "\"\nkey_passphrase = \"Wrong-Pass-1f0e\""));
    auto r = svc({"login"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("private key " + key + " could not be decrypted: wrong passphrase"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("latchkey config check --at svc"), std::string::npos) << r.err;
    EXPECT_NE(svc({"status"}).out.find("not logged in"), std::string::npos);
}

TEST_F(HostServices, TokenExitsThreeWhenAPersonIsNeeded) {
    write_policy(svc_site("svc", "needs_login = true"));
    auto r = svc({"token"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("run `latchkey login --at svc`"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(HostServices, LoginReadsTheAnswerFromAPipe) {
    write_policy(svc_site("svc", "needs_login = true"));
    auto r = svc({"login"}, "yes\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("Type yes to confirm: "), std::string::npos) << r.err;
    // A progress line is for terminals only: none in a captured stream.
    EXPECT_EQ(r.err.find("waiting for confirmation"), std::string::npos) << r.err;
    EXPECT_EQ(svc({"token"}).exit_code, 0);
}

TEST_F(HostServices, LoginWithNoAnswerNeedsALogin) {
    write_policy(svc_site("svc", "needs_login = true"));
    auto r = svc({"login"});  // standard input is empty: EOF at the prompt
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("run `latchkey login --at svc`"), std::string::npos) << r.err;
}

TEST_F(HostServices, RejectedRefreshDropsTheRefreshTokenThenNeedsALogin) {
    write_policy(svc_site("svc",
                          "needs_login = true\nrefresh_rejected = true\nlifetime = \"6s\"\n"
                          "refresh_before = \"5s\""));
    ASSERT_EQ(svc({"login"}, "yes\n").exit_code, 0);
    const auto logged_in = std::chrono::steady_clock::now();
    EXPECT_NE(svc({"status"}).out.find("refresh token: stored"), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // into the refresh window
    // The refresh is refused and acquiring needs a person: the access token,
    // still valid, is served with a warning, and the dead refresh token is gone.
    auto in_window = svc({"token"});
    EXPECT_EQ(in_window.exit_code, 0) << in_window.err;
    EXPECT_NE(in_window.err.find("run `latchkey login --at svc`"), std::string::npos)
        << in_window.err;
    auto status = svc({"status"});
    EXPECT_NE(status.out.find("state:    valid"), std::string::npos) << status.out;
    EXPECT_EQ(status.out.find("refresh token: stored"), std::string::npos) << status.out;
    std::this_thread::sleep_until(logged_in + std::chrono::milliseconds(6300));  // past expiry
    auto expired = svc({"token"});
    EXPECT_EQ(expired.exit_code, 3) << expired.err;
    EXPECT_NE(expired.err.find("run `latchkey login --at svc`"), std::string::npos) << expired.err;
    EXPECT_EQ(expired.out, "");
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

// A provider may give a host option its own default (exec waits 30 s, not the
// 10 s every HTTP request gets); the policy still overrides it.
// The `timeout` row of `config explain`, its columns joined by single spaces.
std::string timeout_row(const std::string& explain) {
    auto at = explain.find("\n  timeout ");
    if (at == std::string::npos) return "";
    std::string row = explain.substr(at + 3, explain.find('\n', at + 1) - at - 3);
    std::string squeezed;
    for (char c : row)
        if (c != ' ' || (!squeezed.empty() && squeezed.back() != ' ')) squeezed += c;
    return squeezed;
}

TEST_F(HostServices, ProviderDefaultForAHostOption) {
    write_policy(
        "[sites.x]\nprovider = \"exec\"\ncommand = [\"/bin/true\"]\n"
        "[sites.y]\nprovider = \"exec\"\ncommand = [\"/bin/true\"]\ntimeout = \"2s\"\n"
        "[sites.z]\nprovider = \"api-key\"\napi_key = \"k\"\n");
    auto x = lk({"--at", "x", "config", "explain"});
    ASSERT_EQ(x.exit_code, 0) << x.err;
    EXPECT_EQ(timeout_row(x.out), "timeout 30s default") << x.out;
    auto y = lk({"--at", "y", "config", "explain"});
    EXPECT_EQ(timeout_row(y.out).rfind("timeout 2s ", 0), 0u) << y.out;
    auto z = lk({"--at", "z", "config", "explain"});
    EXPECT_EQ(timeout_row(z.out), "timeout 10s default") << z.out;
}

}  // namespace
}  // namespace latchkey::itest
