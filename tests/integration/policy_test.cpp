// Policy files as the CLI shows them: errors with file:line:column and a
// suggestion, `config check`, `config explain` sources, the precedence of
// --set, environment and file, site selection and where the policy comes from.
#include <filesystem>
#include <regex>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

// The line of `out` that shows `key` in a `config explain` / `sites show`
// table (the last such line: the table follows the site's header lines).
std::string row(const std::string& out, const std::string& key) {
    std::regex re("^  " + key + " +(.*)$", std::regex::multiline);
    std::string found;
    for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it)
        found = (*it)[1].str();
    return found;
}

bool has_position(const std::string& text, const std::string& file) {
    // file:LINE:COLUMN
    std::regex re(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                  R"(:\d+:\d+)");
    return std::regex_search(text, re);
}

const char* const kApiKeySite =
    "[sites.dev]\n"
    "provider = \"api-key\"\n"
    "api_key = \"k-Integ-policy-1\"\n";

class PolicyErrors : public CliTest {
 protected:
    void SetUp() override { token_like("k-Integ-policy-1"); }

    // Runs `latchkey ARGS` on `toml` and expects exit 1 with `needle` and a
    // position in the policy on stderr.
    RunResult expect_policy_error(const std::string& toml, const std::string& needle,
                                  const std::vector<std::string>& args = {"token"}) {
        write_policy(toml);
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find(needle), std::string::npos) << "want '" << needle << "' in:\n"
                                                         << r.err;
        EXPECT_TRUE(has_position(r.err, policy())) << "no " << policy() << ":LINE:COLUMN in:\n"
                                                   << r.err;
        return r;
    }
};

TEST_F(PolicyErrors, MalformedToml) {
    auto r = expect_policy_error("[sites.dev\nprovider = \"api-key\"\n", "malformed TOML");
    EXPECT_NE(r.err.find(policy() + ":1:"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownTopLevelKeyWithSuggestion) {
    auto r = expect_policy_error(std::string("defaultsite = \"dev\"\n") + kApiKeySite,
                                 "unknown key 'defaultsite'");
    EXPECT_NE(r.err.find(policy() + ":1:1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'default_site'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownSiteKeyWithSuggestion) {
    auto r = expect_policy_error(std::string(kApiKeySite) + "headr = \"X-Key: {token}\"\n",
                                 "unknown key 'headr'");
    EXPECT_NE(r.err.find(policy() + ":4:1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'header'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, WrongType) {
    auto r = expect_policy_error(std::string(kApiKeySite) + "jwt_expiry = \"yes\"\n", "jwt_expiry");
    EXPECT_NE(r.err.find(policy() + ":4:14"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("expected true or false"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, WrongTypeForAList) {
    expect_policy_error(
        "[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = "
        "\"http://127.0.0.1:9/t\"\n"
        "client_id = \"a\"\nclient_secret = \"s-Integ-policy-2\"\nscopes = \"read\"\n",
        "expected a list of strings");
}

TEST_F(PolicyErrors, BadDuration) {
    auto r = expect_policy_error(std::string(kApiKeySite) + "timeout = \"soon\"\n", "timeout");
    EXPECT_NE(r.err.find("duration"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, MissingRequiredKey) {
    never_print("s-Integ-policy-3");
    auto r = expect_policy_error(
        "[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = "
        "\"https://auth.example.test/token\"\nclient_secret = \"s-Integ-policy-3\"\n",
        "option 'client_id'");
    EXPECT_NE(r.err.find("required"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("LATCHKEY_CLIENT_ID"), std::string::npos) << r.err;
}

// Neither the endpoint nor an issuer to discover it: the error points at the
// site and names both ways out.
TEST_F(PolicyErrors, NoTokenEndpointAndNoIssuer) {
    never_print("s-Integ-policy-3");
    auto r = expect_policy_error(
        "[sites.dev]\nprovider = \"oauth2-client-credentials\"\nclient_id = \"a\"\n"
        "client_secret = \"s-Integ-policy-3\"\n",
        "set 'token_url' or 'issuer'");
    EXPECT_NE(r.err.find(policy() + ":1:8: site 'dev'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownDefaultSiteWithSuggestion) {
    auto r = expect_policy_error(
        "default_site = \"prod-ue\"\n[sites.prod-eu]\nprovider = \"api-key\"\napi_key = "
        "\"k-Integ-policy-1\"\n",
        "default_site 'prod-ue'");
    EXPECT_NE(r.err.find(policy() + ":1:16"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'prod-eu'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownSiteFromAt) {
    write_policy(kApiKeySite);
    auto r = lk({"--at", "dve", "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("unknown site 'dve' (from --at)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'dev'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownSiteFromTheEnvironment) {
    write_policy(kApiKeySite);
    auto r = lk({"token"}, {{"LATCHKEY_SITE", "nowhere"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("unknown site 'nowhere' (from LATCHKEY_SITE)"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("dev"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownProviderWithSuggestion) {
    write_policy("[sites.dev]\nprovider = \"api-kee\"\napi_key = \"k-Integ-policy-1\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no provider plugin named 'api-kee'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'api-key'"), std::string::npos) << r.err;
    // The position of the `provider = ...` value.
    EXPECT_NE(r.err.find(policy() + ":2:12"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, SiteWithoutProvider) {
    expect_policy_error("[sites.dev]\napi_key = \"k-Integ-policy-1\"\n", "names no provider");
}

TEST_F(PolicyErrors, MissingPolicyFile) {
    auto r = run_cli({"--config", sandbox_.file("nope.toml"), "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(sandbox_.file("nope.toml")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no such policy file"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, NoPolicyAtAll) {
    auto r = run_cli({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no site is configured"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(sandbox_.file("config/latchkey/config.toml")), std::string::npos) << r.err;
}

// ---- usage errors: exit 2 --------------------------------------------------

TEST_F(PolicyErrors, UnknownCommandIsAUsageError) {
    write_policy(kApiKeySite);
    auto r = lk({"tokn"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown command 'tokn'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean `latchkey token`"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, UnknownCommandOptionIsAUsageError) {
    write_policy(kApiKeySite);
    auto r = lk({"token", "--hedaer"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("token"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, SetWithoutEqualsIsAUsageError) {
    write_policy(kApiKeySite);
    auto r = lk({"--set", "header", "token"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--set header: expected key=value"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, SetOfAnUnknownOptionIsAUsageError) {
    write_policy(kApiKeySite);
    auto r = lk({"--set", "api_kye=1", "token"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no option 'api_kye'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'api_key'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, BadOutputFormatIsAUsageError) {
    write_policy(kApiKeySite);
    auto r = lk({"-o", "yaml", "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("yaml"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, NoCommandPrintsHelpAndIsAUsageError) {
    auto r = run_cli({});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.out.find("usage: latchkey"), std::string::npos) << r.out;
    auto h = run_cli({"--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("exit codes"), std::string::npos) << h.out;
}

TEST_F(PolicyErrors, SeveralSitesAndNoChoiceIsAUsageError) {
    write_policy(std::string(kApiKeySite) +
                 "[sites.other]\nprovider = \"api-key\"\napi_key = \"k-Integ-policy-1\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
}

// ---- config check ----------------------------------------------------------

TEST_F(PolicyErrors, ConfigCheckPassesAGoodPolicy) {
    write_policy(kApiKeySite);
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(policy() + ": ok (1 site)"), std::string::npos) << r.out;
}

TEST_F(PolicyErrors, ConfigCheckFailsABadPolicy) {
    expect_policy_error(std::string(kApiKeySite) + "headr = \"X: {token}\"\n",
                        "unknown key 'headr'", {"config", "check"});
}

// Options renamed before the first release (docs/option-names.md) are not
// accepted under their old names; the error gives the new one.
TEST_F(PolicyErrors, ConfigCheckNamesTheNewNameOfARenamedOption) {
    expect_policy_error("[sites.dev]\nprovider = \"api-key\"\nkey = \"k-Integ-policy-1\"\n",
                        policy() +
                            ":3:1: unknown key 'key' in [sites.dev] (provider api-key); did you "
                            "mean 'api_key'? (renamed from 'key')",
                        {"config", "check"});
    expect_policy_error(
        "[sites.sf]\nprovider = \"salesforce-soap\"\nusername = \"u\"\n"
        "password = \"p-Integ-policy-2\"\nlogin_url = \"https://x.example\"\n",
        policy() +
            ":5:1: unknown key 'login_url' in [sites.sf] (provider "
            "salesforce-soap); did you mean 'base_url'? (renamed from "
            "'login_url')",
        {"config", "check"});
}

TEST_F(PolicyErrors, ARemovedOptionSaysWhatReplacesIt) {
    expect_policy_error("[sites.a]\nprovider = \"anaplan\"\nmethod = \"basic\"\n",
                        policy() +
                            ":3:1: unknown key 'method' in [sites.a] (provider anaplan); "
                            "'method' was removed from anaplan: the login follows from the "
                            "options: certificate_file",
                        {"config", "check"});
}

TEST_F(PolicyErrors, SetOfARenamedOptionNamesTheNewOne) {
    write_policy(kApiKeySite);
    auto r = lk({"--set", "key=k-Integ-policy-3", "token"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--set key: site 'dev' (provider api-key) has no option 'key'; did you "
                         "mean 'api_key'? (renamed from 'key')"),
              std::string::npos)
        << r.err;
}

TEST_F(PolicyErrors, ConfigCheckReportsEveryBrokenSite) {
    write_policy(
        "[sites.one]\nprovider = \"api-key\"\napi_key = \"k-Integ-policy-1\"\nheadr = \"X: "
        "{token}\"\n\n"
        "[sites.two]\nprovider = \"api-key\"\n");
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(policy() + ":4:1: unknown key 'headr'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("option 'api_key'"), std::string::npos) << r.err;

    auto j = lk({"-o", "json", "config", "check"});
    EXPECT_EQ(j.exit_code, 1);
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    EXPECT_FALSE(d["ok"].GetBool());
    ASSERT_TRUE(d["errors"].IsArray());
    EXPECT_EQ(d["errors"].Size(), 2u);
}

TEST_F(PolicyErrors, ConfigCheckRefusesUnknownDefaults) {
    write_policy(std::string("[defaults]\ntimout = \"5s\"\n\n") + kApiKeySite);
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(policy() + ":2:1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'timeout'"), std::string::npos) << r.err;
}

TEST_F(PolicyErrors, ConfigCheckOnMalformedTomlInJson) {
    write_policy("[sites.dev\n");
    auto r = lk({"-o", "json", "config", "check"});
    EXPECT_EQ(r.exit_code, 1);
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d.HasMember("error"));
    EXPECT_EQ(json_string(d["error"], "kind"), "config");
    EXPECT_TRUE(has_position(json_string(d["error"], "message"), policy()));
}

// toml++ 3.3.0 ran into __builtin_unreachable on a non-ASCII character
// outside a string, and failed an assertion on "[`" (host/src/util/toml.hpp;
// the fuzz.policy replay runs them under UBSan and with assertions).
TEST_F(PolicyErrors, ConfigCheckOnCharactersNoKeyStartsWith) {
    struct Case {
        std::string toml, at, saw;
    };
    for (const Case& c : {Case{"Ж = 2\n", ":1:1:", "saw 'Ж'"},
                          Case{"[sites.¡]\nprovider = \"api-key\"\n", ":1:8:", "saw '¡'"},
                          Case{"[`]\n", ":1:2:", "saw '`'"}}) {
        auto r = expect_policy_error(c.toml, "malformed TOML", {"config", "check"});
        EXPECT_NE(r.err.find(policy() + c.at + " malformed TOML"), std::string::npos)
            << c.toml << r.err;
        EXPECT_NE(r.err.find(c.saw), std::string::npos) << c.toml << r.err;
    }
}

// ---- where values come from ------------------------------------------------

class PolicySources : public DevServerTest {
 protected:
    // Line numbers matter: the tests check positions.
    void SetUp() override {
        write_policy(
            "[defaults]\n"                                // 1
            "timeout = \"7s\"\n"                          // 2
            "\n"                                          // 3
            "[sites.dev]\n"                               // 4
            "provider = \"oauth2-client-credentials\"\n"  // 5
            "env_prefix = \"INTEG_CC_\"\n"                // 6
            "token_url = \"" +
            server_.token_url() +
            "\"\n"  // 7
            "client_id = \"" +
            kClient +
            "\"\n"  // 8
            "client_secret = { env = \"" +
            kSecretVar +
            "\" }\n"                       // 9
            "scopes = [\"read\"]\n"        // 10
            "audience = \"aud-file\"\n");  // 11
    }
};

TEST_F(PolicySources, ExplainShowsEachValuesSourceAndMasksSecrets) {
    auto r = lk({"--set", "resource=https://res.example.test/", "config", "explain"},
                {{"INTEG_CC_CLIENT_ID", kOtherClient}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("policy " + policy()), std::string::npos) << r.out;

    EXPECT_NE(row(r.out, "resource").find("--set resource"), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "client_id").find(kOtherClient), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "client_id").find("env INTEG_CC_CLIENT_ID"), std::string::npos) << r.out;
    std::string secret = row(r.out, "client_secret");
    EXPECT_NE(secret.find("****"), std::string::npos) << r.out;
    EXPECT_NE(secret.find(policy() + ":9:17 via env " + kSecretVar), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "token_url").find(policy() + ":7:13"), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "scopes").find(policy() + ":10:10"), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "timeout").find("[defaults] " + policy() + ":2:11"), std::string::npos)
        << r.out;
    EXPECT_NE(row(r.out, "signing_alg").find("default"), std::string::npos) << r.out;

    auto j = lk({"-o", "json", "config", "explain"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    const auto& values = d["sites"][0]["values"];
    EXPECT_EQ(json_string(values["client_secret"], "value"), "****");
    EXPECT_EQ(json_string(values["client_id"], "value"), kClient);
    EXPECT_EQ(json_string(values["signing_alg"], "source"), "default");

    auto show = lk({"sites", "show"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(row(show.out, "client_secret").find("****"), std::string::npos) << show.out;
}

TEST_F(PolicySources, PrecedenceSetThenPrefixThenLatchkeyThenFile) {
    auto source = [&](const std::vector<std::string>& args,
                      const std::map<std::string, std::optional<std::string>>& env) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"config", "explain"});
        auto r = lk(all, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return row(r.out, "audience");
    };
    EXPECT_NE(source({}, {}).find("aud-file"), std::string::npos);
    std::string latch = source({}, {{"LATCHKEY_AUDIENCE", "aud-latch"}});
    EXPECT_NE(latch.find("aud-latch"), std::string::npos) << latch;
    EXPECT_NE(latch.find("env LATCHKEY_AUDIENCE"), std::string::npos) << latch;
    std::string prefix =
        source({}, {{"LATCHKEY_AUDIENCE", "aud-latch"}, {"INTEG_CC_AUDIENCE", "aud-prefix"}});
    EXPECT_NE(prefix.find("aud-prefix"), std::string::npos) << prefix;
    EXPECT_NE(prefix.find("env INTEG_CC_AUDIENCE"), std::string::npos) << prefix;
    std::string set = source({"--set", "audience=aud-set"}, {{"LATCHKEY_AUDIENCE", "aud-latch"},
                                                             {"INTEG_CC_AUDIENCE", "aud-prefix"}});
    EXPECT_NE(set.find("aud-set"), std::string::npos) << set;
    EXPECT_NE(set.find("--set audience"), std::string::npos) << set;
}

TEST_F(PolicySources, EnvPrefixOverridesTheFileForRealRequests) {
    auto r = lk({"token"}, {{"INTEG_CC_CLIENT_ID", kOtherClient}, {kSecretVar, kOtherSecret}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(server_.issued(kOtherClient), 1);
    EXPECT_EQ(server_.issued(kClient), 0);
    auto d = parse_json(whoami("Authorization: Bearer " + first_line(r.out)).body);
    EXPECT_EQ(json_string(d, "client_id"), kOtherClient);
    EXPECT_EQ(json_string(d, "audience"), "aud-file");
}

TEST_F(PolicySources, SetOverridesTheFileForRealRequests) {
    auto r = lk({"--set", "audience=aud-set", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto stats = server_.stats();
    EXPECT_EQ(json_string(stats["clients"][kClient.c_str()]["last_params"], "audience"), "aud-set");
}

// ---- .env, storage backends -------------------------------------------------

class DotenvAndStorage : public DevServerTest {};

TEST_F(DotenvAndStorage, DotenvIsReadWhenThePolicyAsksAndTheEnvironmentBeatsIt) {
    token_like("k-Integ-dotenv-1");
    sandbox_.write(".env",
                   "# read by latchkey when [host] dotenv = true\n"
                   "INTEG_DOTENV_KEY=\"k-Integ-dotenv-1\"\n"
                   "LATCHKEY_HEADER=X-From-Dotenv: {token}\n");
    write_policy(
        "[host]\ndotenv = true\n\n[sites.api]\nprovider = \"api-key\"\n"
        "api_key = { env = \"INTEG_DOTENV_KEY\" }\n");
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "X-From-Dotenv: k-Integ-dotenv-1\n");
    auto ex = lk({"config", "explain"});
    EXPECT_NE(row(ex.out, "header").find(".env:3 (LATCHKEY_HEADER)"), std::string::npos) << ex.out;

    // The environment beats .env (shown by explain: a stored credential keeps
    // the header it was issued with, see ApiKey.ChangedHeaderTakesEffect).
    auto env = lk({"config", "explain"}, {{"LATCHKEY_HEADER", "X-From-Env: {token}"}});
    EXPECT_NE(row(env.out, "header").find("X-From-Env: {token}"), std::string::npos) << env.out;
    EXPECT_NE(row(env.out, "header").find("env LATCHKEY_HEADER"), std::string::npos) << env.out;

    // Without dotenv = true the file is not read.
    write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_DOTENV_KEY\" }\n");
    auto off = lk({"token"});
    EXPECT_EQ(off.exit_code, 1);
    EXPECT_NE(off.err.find("INTEG_DOTENV_KEY is not set"), std::string::npos) << off.err;
}

TEST_F(DotenvAndStorage, MemoryStorageKeepsNothingBetweenRuns) {
    write_cc_policy("storage = \"memory\"\n");
    auto a = lk({"token"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto b = lk({"token"});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_NE(a.out, b.out);
    EXPECT_EQ(server_.issued(kClient), 2);
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("memory"), std::string::npos) << st.out;
    std::error_code ec;
    EXPECT_FALSE(std::filesystem::exists(state_dir() + "/dev.json", ec));
    for (auto& e : std::filesystem::directory_iterator(sandbox_.file("state"), ec))
        ADD_FAILURE() << "memory storage wrote " << e.path();
}

TEST_F(DotenvAndStorage, LatchkeyStorageFromTheEnvironment) {
    write_cc_policy();
    auto a = lk({"token"}, {{"LATCHKEY_STORAGE", "memory"}});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto b = lk({"token"}, {{"LATCHKEY_STORAGE", "memory"}});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(server_.issued(kClient), 2);
    EXPECT_FALSE(std::filesystem::exists(state_dir()));
    auto ex = lk({"config", "explain"}, {{"LATCHKEY_STORAGE", "memory"}});
    EXPECT_NE(row(ex.out, "storage").find("env LATCHKEY_STORAGE"), std::string::npos) << ex.out;
}

TEST_F(DotenvAndStorage, UnknownStorageBackendInASite) {
    write_cc_policy("storage = \"redis-cluster\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("backend 'redis-cluster'"), std::string::npos) << r.err;
    EXPECT_EQ(server_.issued(kClient), 0);
    EXPECT_NE(r.err.find(policy() + ":6:11"), std::string::npos) << r.err;
}

TEST_F(DotenvAndStorage, UnknownStorageBackendInTheStorageTable) {
    write_policy("[storage]\nbackend = \"floppy\"\n\n" + cc_site());
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("backend 'floppy'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(policy() + ":2:11"), std::string::npos) << r.err;
}

TEST_F(DotenvAndStorage, StoragePathFromThePolicy) {
    const std::string dir = sandbox_.file("custom-store");
    write_policy("[storage]\nbackend = \"file\"\npath = \"" + dir + "\"\n\n" + cc_site());
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") ++files;
    EXPECT_EQ(files, 1);
    EXPECT_FALSE(std::filesystem::exists(state_dir()));
}

// ---- which site, which file ------------------------------------------------

class SiteSelection : public CliTest {
 protected:
    void SetUp() override {
        token_like("key-one-Integ");
        token_like("key-two-Integ");
    }
    std::string two_sites(const std::string& head = "") {
        return head +
               "[sites.one]\nprovider = \"api-key\"\napi_key = \"key-one-Integ\"\n\n"
               "[sites.two]\nprovider = \"api-key\"\napi_key = \"key-two-Integ\"\n";
    }
};

TEST_F(SiteSelection, LatchkeySiteSelectsAndAtBeatsIt) {
    write_policy(two_sites());
    auto env = lk({"token"}, {{"LATCHKEY_SITE", "two"}});
    ASSERT_EQ(env.exit_code, 0) << env.err;
    EXPECT_EQ(env.out, "key-two-Integ\n");
    auto at = lk({"--at", "one", "token"}, {{"LATCHKEY_SITE", "two"}});
    ASSERT_EQ(at.exit_code, 0) << at.err;
    EXPECT_EQ(at.out, "key-one-Integ\n");
}

TEST_F(SiteSelection, DefaultSiteAndLatchkeySiteBeatsIt) {
    write_policy(two_sites("default_site = \"two\"\n"));
    auto def = lk({"token"});
    ASSERT_EQ(def.exit_code, 0) << def.err;
    EXPECT_EQ(def.out, "key-two-Integ\n");
    auto env = lk({"token"}, {{"LATCHKEY_SITE", "one"}});
    EXPECT_EQ(env.out, "key-one-Integ\n");

    auto list = lk({"sites", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("*  two"), std::string::npos) << list.out;
}

TEST_F(SiteSelection, PolicyFromLatchkeyConfig) {
    std::string path = sandbox_.write("elsewhere/p.toml", two_sites("default_site = \"one\"\n"));
    auto r = run_cli({"token"}, {{"LATCHKEY_CONFIG", path}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "key-one-Integ\n");
    auto check = run_cli({"config", "check"}, {{"LATCHKEY_CONFIG", path}});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find(path + ": ok (2 sites)"), std::string::npos) << check.out;
}

TEST_F(SiteSelection, ConfigFlagBeatsLatchkeyConfig) {
    std::string env_path = sandbox_.write("env.toml", two_sites("default_site = \"two\"\n"));
    write_policy(two_sites("default_site = \"one\"\n"));
    auto r = lk({"token"}, {{"LATCHKEY_CONFIG", env_path}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "key-one-Integ\n");
}

TEST_F(SiteSelection, PolicyFromTheXdgDefaultPath) {
    std::string path =
        sandbox_.write("config/latchkey/config.toml", two_sites("default_site = \"two\"\n"));
    auto r = run_cli({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "key-two-Integ\n");
    auto check = run_cli({"config", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find(path + ": ok"), std::string::npos) << check.out;
}

TEST_F(SiteSelection, PolicyFromHomeWhenXdgConfigHomeIsUnset) {
    std::string path =
        sandbox_.write(".config/latchkey/config.toml", two_sites("default_site = \"one\"\n"));
    auto r = run_cli({"token"}, {{"XDG_CONFIG_HOME", std::nullopt}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "key-one-Integ\n");
}

}  // namespace
}  // namespace latchkey::itest
