// The command line's rules, through the real program: what it prints on
// standard output and standard error, and its exit code.
//   - -o json, -ojson, --output json and --output=json all give JSON, errors
//     included (an error is {"error": {kind, message, exit_code}}).
//   - A command acts on the selected site; --all makes it act on every site.
//   - --set is the run-time override under every command: `sites add` and
//     `sites modify` write values with --option and refuse --set, naming it.
#include <sstream>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

// The api-key provider's option that holds the key.
const std::string kKeyOption = "api_key";

// Two sites served offline by the api-key provider; `alpha` is the default.
std::string two_sites(bool with_default) {
    std::string out = with_default ? "default_site = \"alpha\"\n" : "";
    for (const char* name : {"alpha", "beta"})
        out += std::string("\n[sites.") + name + "]\nprovider = \"api-key\"\n" + kKeyOption +
               " = { env = \"INTEG_RULES_KEY\" }\n";
    return out;
}

// The lines of `text` that are exactly `line` (a site's heading in `status`).
int lines_equal(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    int n = 0;
    for (std::string l; std::getline(in, l);) n += l == line;
    return n;
}

class CliRules : public CliTest {
 protected:
    CliRules() { env_["INTEG_RULES_KEY"] = "rk-Integ-rules-5e1f"; }
    void SetUp() override { token_like("rk-Integ-rules-5e1f"); }
};

// ---------------------------------------------------------------- -o json

TEST_F(CliRules, EverySpellingOfJsonOutputGivesAJsonErrorObject) {
    write_policy(two_sites(true));
    for (auto spelling : std::vector<std::vector<std::string>>{
             {"-o", "json"}, {"-ojson"}, {"--output", "json"}, {"--output=json"}}) {
        std::vector<std::string> args = spelling;
        args.insert(args.end(), {"--at", "gamma", "token"});
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 1) << join_args(args) << "\n" << r.err;
        // The person still reads it on standard error...
        EXPECT_NE(r.err.find("unknown site 'gamma' (from --at)"), std::string::npos) << r.err;
        // ...and the program gets it as JSON on standard output.
        auto doc = parse_json(r.out);
        ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << join_args(args) << ": " << r.out;
        const auto& e = doc["error"];
        EXPECT_EQ(json_string(e, "kind"), "config") << r.out;
        EXPECT_NE(json_string(e, "message").find("unknown site 'gamma'"), std::string::npos);
        ASSERT_TRUE(e.HasMember("exit_code") && e["exit_code"].IsInt()) << r.out;
        EXPECT_EQ(e["exit_code"].GetInt(), 1);
    }
}

TEST_F(CliRules, JsonUsageErrorsAreJsonToo) {
    write_policy(two_sites(true));
    auto r = lk({"--output=json", "status", "--bogus"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    auto doc = parse_json(r.out);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << r.out;
    EXPECT_EQ(json_string(doc["error"], "kind"), "usage") << r.out;
}

// ---------------------------------------------------------------- --all

TEST_F(CliRules, StatusShowsTheSelectedSiteUnlessAll) {
    write_policy(two_sites(true));
    auto one = lk({"status"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(lines_equal(one.out, "alpha"), 1) << one.out;
    EXPECT_EQ(lines_equal(one.out, "beta"), 0) << one.out;

    auto picked = lk({"--at", "beta", "status"});
    ASSERT_EQ(picked.exit_code, 0) << picked.err;
    EXPECT_EQ(lines_equal(picked.out, "alpha"), 0) << picked.out;
    EXPECT_EQ(lines_equal(picked.out, "beta"), 1) << picked.out;

    auto all = lk({"status", "--all"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_EQ(lines_equal(all.out, "alpha"), 1) << all.out;
    EXPECT_EQ(lines_equal(all.out, "beta"), 1) << all.out;

    auto json = lk({"-o", "json", "status"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    auto doc = parse_json(json.out);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("sites") && doc["sites"].IsArray()) << json.out;
    ASSERT_EQ(doc["sites"].Size(), 1u) << json.out;
    EXPECT_EQ(json_string(doc["sites"][0], "site"), "alpha");
}

TEST_F(CliRules, WithoutASelectedSiteTheErrorOffersAll) {
    write_policy(two_sites(false));
    for (auto args : std::vector<std::vector<std::string>>{
             {"status"}, {"storage", "list"}, {"logout"}, {"config", "explain"}}) {
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 2) << join_args(args);
        EXPECT_NE(r.err.find("several sites are configured (alpha, beta)"), std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("or give --all for every site"), std::string::npos) << r.err;
    }
    auto all = lk({"status", "--all"});
    EXPECT_EQ(all.exit_code, 0) << all.err;
}

TEST_F(CliRules, StorageListShowsTheSelectedSiteUnlessAll) {
    write_policy(two_sites(true));
    ASSERT_EQ(lk({"--at", "alpha", "login"}).exit_code, 0);
    ASSERT_EQ(lk({"--at", "beta", "login"}).exit_code, 0);
    auto one = lk({"storage", "list"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_NE(one.out.find("\nalpha "), std::string::npos) << one.out;
    EXPECT_EQ(one.out.find("beta"), std::string::npos) << one.out;

    auto all = lk({"storage", "list", "--all"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_NE(all.out.find("\nalpha "), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("\nbeta "), std::string::npos) << all.out;
}

TEST_F(CliRules, HelpStatesTheRules) {
    auto r = run_cli({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--all makes it act on every site"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--option key=value"), std::string::npos) << r.out;
    auto status = run_cli({"status", "--help"});
    EXPECT_NE(status.out.find("--all"), std::string::npos) << status.out;
}

// ---------------------------------------------------------------- --set

TEST_F(CliRules, SitesAddRefusesSetAndNamesOption) {
    write_policy(two_sites(true));
    const std::string before = test::read_file(policy());
    auto r = lk({"sites", "add", "gamma", "--provider", "api-key", "--set",
                 kKeyOption + "={env=INTEG_RULES_KEY}"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find("sites add: --set overrides a value for one run and is never written to "
                         "the policy; write a value with --option key=value"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(test::read_file(policy()), before);

    auto ok = lk({"sites", "add", "gamma", "--provider", "api-key", "--option",
                  kKeyOption + "={env=INTEG_RULES_KEY}"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(test::read_file(policy()).find("[sites.gamma]\nprovider = \"api-key\"\n" +
                                             kKeyOption + " = { env = \"INTEG_RULES_KEY\" }\n"),
              std::string::npos)
        << test::read_file(policy());
}

TEST_F(CliRules, SitesModifyRefusesSetAndSetEnvNamingTheNewFlags) {
    write_policy(two_sites(true));
    const std::string before = test::read_file(policy());
    auto set = lk({"sites", "modify", "beta", "--set", "timeout=30s"});
    EXPECT_EQ(set.exit_code, 2);
    EXPECT_NE(set.err.find("write a value with --option key=value"), std::string::npos) << set.err;
    auto env = lk({"sites", "modify", "beta", "--set-env", kKeyOption + "=OTHER"});
    EXPECT_EQ(env.exit_code, 2);
    EXPECT_NE(env.err.find("--set-env is now --option-env key=VAR"), std::string::npos) << env.err;
    EXPECT_EQ(test::read_file(policy()), before);
}

}  // namespace
}  // namespace latchkey::itest
