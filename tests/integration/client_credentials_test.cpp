// A client-credentials site against the real dev server, as a user drives it:
// token, token --header, status, login, logout, both client authentication
// methods, what reaches the server, and the JSON output of the commands.
#include <algorithm>
#include <chrono>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

class ClientCredentials : public DevServerTest {
 protected:
    void SetUp() override { write_cc_policy("scopes = [\"read\", \"write\"]\n"); }

    // `latchkey token`, which must succeed with one line: the token.
    std::string token(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = extra;
        args.push_back("token");
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        // Exactly one line, ending in its newline ("" would pass the second check alone).
        EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
        EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line expected:\n" << r.out;
        std::string t = first_line(r.out);
        EXPECT_EQ(t.rfind("dev-at-", 0), 0u) << r.out;
        return t;
    }
};

TEST_F(ClientCredentials, TokenPrintsATokenTheResourceServerAccepts) {
    std::string t = token();
    EXPECT_EQ(server_.issued(kClient), 1);

    auto who = whoami("Authorization: Bearer " + t);
    ASSERT_EQ(who.status, 200) << who.body;
    auto d = parse_json(who.body);
    EXPECT_EQ(json_string(d, "client_id"), kClient);
    EXPECT_EQ(json_string(d, "scope"), "read write");
}

TEST_F(ClientCredentials, HeaderFlagPrintsTheAuthorizationLine) {
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string line = first_line(r.out);
    EXPECT_EQ(line.rfind("Authorization: Bearer dev-at-", 0), 0u) << r.out;
    // The line is usable as is.
    EXPECT_EQ(whoami(line).status, 200);
    // And names the same token `token` prints (served from the store).
    EXPECT_EQ(line, "Authorization: Bearer " + token());
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(ClientCredentials, SecondTokenIsServedFromTheFileStore) {
    std::string first = token();
    std::string second = token();
    EXPECT_EQ(first, second);
    EXPECT_EQ(server_.issued(kClient), 1);
    EXPECT_EQ(token_requests(), 1);
}

TEST_F(ClientCredentials, StatusShowsValidExpiryAndScopeButNoToken) {
    auto before = lk({"status"});
    EXPECT_EQ(before.exit_code, 0) << before.err;
    EXPECT_NE(before.out.find("not logged in"), std::string::npos) << before.out;

    token();
    auto r = lk({"status"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("dev"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("oauth2-client-credentials"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("valid"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("expires in"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("scope: read write"), std::string::npos) << r.out;
    // (the TearDown check also proves no token appears)
}

TEST_F(ClientCredentials, LogoutThenTokenFetchesANewOne) {
    std::string first = token();
    auto out = lk({"logout"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("logged out of dev"), std::string::npos) << out.out;

    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;

    std::string second = token();
    EXPECT_NE(first, second);
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(ClientCredentials, LoginGetsACredentialAndForceGetsAnother) {
    auto login = lk({"login"});
    ASSERT_EQ(login.exit_code, 0) << login.err;
    EXPECT_NE(login.out.find("logged in to dev"), std::string::npos) << login.out;
    EXPECT_NE(login.out.find("expires in"), std::string::npos) << login.out;
    EXPECT_EQ(server_.issued(kClient), 1);

    EXPECT_EQ(login.out.find("already"), std::string::npos) << login.out;

    // Without --force a stored valid credential is kept.
    auto again = lk({"login"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already logged in to dev"), std::string::npos) << again.out;
    EXPECT_EQ(server_.issued(kClient), 1);
    std::string kept = token();
    EXPECT_EQ(server_.issued(kClient), 1);

    auto forced = lk({"login", "--force"});
    ASSERT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_NE(forced.out.find("logged in to dev"), std::string::npos) << forced.out;
    EXPECT_EQ(forced.out.find("already"), std::string::npos) << forced.out;
    EXPECT_EQ(server_.issued(kClient), 2);
    std::string fresh = token();
    EXPECT_NE(fresh, kept);
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(ClientCredentials, LogoutAllLogsOutOfEverySite) {
    write_policy(cc_site("alpha") + "\n" + cc_site("beta", "", kOtherClient));
    // beta is the other client: its run gets the other secret in the environment.
    auto a = lk({"--at", "alpha", "token"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto b = lk({"--at", "beta", "token"}, {{kSecretVar, kOtherSecret}});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(server_.issued(kClient), 1);
    EXPECT_EQ(server_.issued(kOtherClient), 1);

    auto out = lk({"logout", "--all"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("logged out of alpha"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("logged out of beta"), std::string::npos) << out.out;

    auto st = lk({"status", "--all"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    size_t first = st.out.find("not logged in");
    ASSERT_NE(first, std::string::npos) << st.out;
    EXPECT_NE(st.out.find("not logged in", first + 1), std::string::npos) << st.out;

    ASSERT_EQ(lk({"--at", "alpha", "token"}).exit_code, 0);
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(ClientCredentials, ClientSecretBasicAndPostBothWork) {
    std::string basic = token();
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    std::string post = token({"--set", "client_auth=client_secret_post"});
    EXPECT_NE(basic, post);

    auto stats = server_.stats();
    const auto& methods = stats["clients"][kClient.c_str()]["auth_methods"];
    EXPECT_EQ(methods["client_secret_basic"].GetInt(), 1);
    EXPECT_EQ(methods["client_secret_post"].GetInt(), 1);
    EXPECT_EQ(whoami("Authorization: Bearer " + post).status, 200);
}

TEST_F(ClientCredentials, PostClientAuthFromThePolicy) {
    write_cc_policy("client_auth = \"client_secret_post\"\n");
    token();
    auto stats = server_.stats();
    const auto& client = stats["clients"][kClient.c_str()];
    EXPECT_EQ(client["auth_methods"]["client_secret_post"].GetInt(), 1);
    EXPECT_EQ(client["auth_methods"]["client_secret_basic"].GetInt(), 0);
    // The server saw the id in the form (and never reports the secret).
    EXPECT_EQ(json_string(client["last_params"], "client_id"), kClient);
    EXPECT_FALSE(client["last_params"].HasMember("client_secret"));
}

TEST_F(ClientCredentials, ScopesAudienceResourceAndExtraParamsReachTheServer) {
    write_cc_policy(
        "scopes = [\"read\", \"write\"]\n"
        "audience = \"https://api.example.test\"\n"
        "resource = \"https://resource.example.test/\"\n"
        "extra_params = [\"tenant=acme\", \"flavour=plain text\"]\n");
    std::string t = token();

    auto stats = server_.stats();
    const auto& p = stats["clients"][kClient.c_str()]["last_params"];
    EXPECT_EQ(json_string(p, "grant_type"), "client_credentials");
    EXPECT_EQ(json_string(p, "scope"), "read write");
    EXPECT_EQ(json_string(p, "audience"), "https://api.example.test");
    EXPECT_EQ(json_string(p, "resource"), "https://resource.example.test/");
    EXPECT_EQ(json_string(p, "tenant"), "acme");
    EXPECT_EQ(json_string(p, "flavour"), "plain text");

    auto who = whoami("Authorization: Bearer " + t);
    ASSERT_EQ(who.status, 200) << who.body;
    auto d = parse_json(who.body);
    EXPECT_EQ(json_string(d, "audience"), "https://api.example.test");
    EXPECT_EQ(json_string(d, "resource"), "https://resource.example.test/");
}

TEST_F(ClientCredentials, ChangedScopesNeverReuseAnotherIdentitysToken) {
    std::string both = token();
    std::string read_only = token({"--set", "scopes=read"});
    EXPECT_NE(both, read_only);
    EXPECT_EQ(server_.issued(kClient), 2);
    auto d = parse_json(whoami("Authorization: Bearer " + read_only).body);
    EXPECT_EQ(json_string(d, "scope"), "read");
    // The original identity still has its own.
    EXPECT_EQ(token(), both);
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(ClientCredentials, JsonOutputOfTokenAndStatus) {
    auto r = lk({"-o", "json", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto tok = parse_json(r.out);
    ASSERT_TRUE(tok.IsObject());
    EXPECT_EQ(json_string(tok, "site"), "dev");
    std::string t = json_string(tok, "token");
    EXPECT_EQ(t.rfind("dev-at-", 0), 0u);
    EXPECT_EQ(json_string(tok, "token_type"), "Bearer");
    EXPECT_EQ(json_string(tok, "header"), "Authorization: Bearer " + t);
    ASSERT_TRUE(tok["expires_at_ms"].IsInt64());
    int64_t expires = tok["expires_at_ms"].GetInt64();
    EXPECT_GT(expires, now_ms() + 30 * 60'000);  // the dev server issues 1 h tokens
    EXPECT_EQ(whoami("Authorization: Bearer " + t).status, 200);

    auto s = lk({"-o", "json", "status"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    auto st = parse_json(s.out);
    ASSERT_TRUE(st.IsObject());
    ASSERT_TRUE(st["sites"].IsArray());
    ASSERT_EQ(st["sites"].Size(), 1u);
    const auto& site = st["sites"][0];
    EXPECT_EQ(json_string(site, "site"), "dev");
    EXPECT_EQ(json_string(site, "provider"), "oauth2-client-credentials");
    EXPECT_EQ(json_string(site, "storage"), "file");
    EXPECT_TRUE(site["logged_in"].GetBool());
    EXPECT_EQ(site["expires_at_ms"].GetInt64(), expires);
    EXPECT_EQ(json_string(site["extras"], "scope"), "read write");
    EXPECT_FALSE(site.HasMember("token"));
}

TEST_F(ClientCredentials, JsonOutputOfProvidersListAndConfigCheck) {
    auto r = lk({"-o", "json", "providers", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto list = parse_json(r.out);
    ASSERT_TRUE(list.IsObject());
    ASSERT_TRUE(list["search_path"].IsArray());
    EXPECT_GT(list["search_path"].Size(), 0u);
    ASSERT_TRUE(list["providers"].IsArray());
    ASSERT_TRUE(list["refused"].IsArray());
    EXPECT_EQ(list["refused"].Size(), 0u) << r.out;
    std::map<std::string, std::string> found;
    for (auto& p : list["providers"].GetArray())
        found[json_string(p, "name")] = json_string(p, "path");
    ASSERT_TRUE(found.count("api-key")) << r.out;
    ASSERT_TRUE(found.count("oauth2-client-credentials")) << r.out;
    EXPECT_NE(found["api-key"].find("api-key.so"), std::string::npos);

    auto c = lk({"-o", "json", "config", "check"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    auto check = parse_json(c.out);
    ASSERT_TRUE(check.IsObject());
    EXPECT_TRUE(check["ok"].GetBool());
    EXPECT_EQ(check["sites"].GetInt(), 1);
    EXPECT_EQ(check["errors"].Size(), 0u);
    EXPECT_EQ(json_string(check, "config"), policy());
}

TEST_F(ClientCredentials, JsonErrorOnFailure) {
    server_.fault("503", -1);
    auto r = lk({"-o", "json", "token"});
    EXPECT_EQ(r.exit_code, 1);
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d.HasMember("error"));
    EXPECT_EQ(d["error"]["exit_code"].GetInt(), 1);
    EXPECT_NE(json_string(d["error"], "message").find("HTTP 503"), std::string::npos);
}

TEST_F(ClientCredentials, VerboseRunsShowProgressButNoSecret) {
    // -v on every command of a session; TearDown checks every output.
    server_.fault("500", 1);
    auto t = lk({"-v", "token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_NE(t.err.find("retrying"), std::string::npos) << t.err;
    for (auto cmd : std::vector<std::vector<std::string>>{{"-v", "status"},
                                                          {"-v", "login", "--force"},
                                                          {"-v", "config", "explain"},
                                                          {"-v", "sites", "show"},
                                                          {"-v", "logout"}}) {
        auto r = lk(cmd);
        EXPECT_EQ(r.exit_code, 0) << join_args(cmd) << "\n" << r.err;
    }
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(ClientCredentials, DoubleVerboseIsAccepted) {
    // `-vv` is documented (main.cpp, --help: "-vv for HTTP traces").
    // (Once refused as "option '--verbose' cannot be specified more than once".)
    auto r = lk({"-vv", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Debug output names the request but never the secret or the token
    // (TearDown checks the latter).
    EXPECT_NE(r.err.find("POST " + server_.token_url()), std::string::npos) << r.err;
    auto again = lk({"-v", "-v", "status"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace latchkey::itest
