// `latchkey sites add|modify|remove|set-default` on a real policy file: each
// command changes only its own lines, and the other commands (`sites list`,
// `config check`, `token`) see the change.
#include <unistd.h>

#include <thread>

#include "sites_fixture.hpp"

namespace latchkey::itest {
namespace {

TEST_F(SitesCli, AddAppendsATableAndKeepsEveryOtherByte) {
    write_policy(kTeamPolicy);
    auto r = lk({"sites", "add", "planet", "--provider", "oauth2-client-credentials", "--option",
                 "token_url=https://login.example.com/oauth2/token", "--option",
                 "client_id=planet-app", "--option-env", "client_secret=INTEG_PLANET_SECRET",
                 "--option", "scopes=read, write", "--option", "refresh_before=90", "--default"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "added site 'planet' (provider oauth2-client-credentials) to " + policy() +
                         "; it is the default site\n");
    // The variable is not set here: a warning, not an error.
    EXPECT_NE(r.err.find("client_secret: environment variable INTEG_PLANET_SECRET is not set here"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(text(),
              replaced(kTeamPolicy, "default_site = \"reports\"", "default_site = \"planet\"") +
                  "\n"
                  "[sites.planet]\n"
                  "provider = \"oauth2-client-credentials\"\n"
                  "token_url = \"https://login.example.com/oauth2/token\"\n"
                  "client_id = \"planet-app\"\n"
                  "client_secret = { env = \"INTEG_PLANET_SECRET\" }\n"
                  "scopes = [\"read\", \"write\"]\n"
                  "refresh_before = 90\n");

    auto list = lk({"sites", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(selected_in_list(list.out, "planet")) << list.out;
    auto check = lk({"config", "check"}, {{"INTEG_PLANET_SECRET", "ps-Integ-sites-3"}});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(check.out, policy() + ": ok (3 sites)\n");
    never_print("ps-Integ-sites-3");
}

TEST_F(SitesCli, AddCreatesTheDefaultPolicyFileAndItsDirectory) {
    // No --config and no LATCHKEY_CONFIG: $XDG_CONFIG_HOME/latchkey/config.toml.
    const std::string dir = sandbox_.file("config/latchkey");
    const std::string file = dir + "/config.toml";
    ASSERT_FALSE(std::filesystem::exists(sandbox_.file("config")));
    auto r = run_cli({"sites", "add", "api", "--provider", "api-key", "--option-env",
                      "api_key=INTEG_API_KEY", "--option", "jwt_expiry=no"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "added site 'api' (provider api-key) to " + file + "\n");
    EXPECT_EQ(test::read_file(file),
              "[sites.api]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_API_KEY\" }\n"
              "jwt_expiry = false\n");
    EXPECT_EQ(mode_of(file), 0600u);
    EXPECT_EQ(mode_of(dir), 0700u);

    // The new site is the only one, so every command uses it.
    const std::string key = "ak-Integ-sites-new-4";
    token_like(key);
    auto t = run_cli({"token"}, {{"INTEG_API_KEY", key}});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(t.out, key + "\n");
}

TEST_F(SitesCli, ModifyRewritesValuesInPlaceAndAddsNewKeysAfterTheLast) {
    write_policy(kTeamPolicy);
    env_["INTEG_REPORTS_KEY_V2"] = "rk-Integ-sites-5";
    auto r = lk({"sites", "modify", "reports", "--option-env", "api_key=INTEG_REPORTS_KEY_V2",
                 "--option", "timeout=1m"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "modified site 'reports' in " + policy() + ": set api_key, timeout\n");
    // The key's trailing comment stays; the new key goes after `header`.
    EXPECT_EQ(text(), replaced(replaced(kTeamPolicy, "{ env = \"INTEG_REPORTS_KEY\" }",
                                        "{ env = \"INTEG_REPORTS_KEY_V2\" }"),
                               "header = \"X-API-Key: {token}\"\n",
                               "header = \"X-API-Key: {token}\"\ntimeout = \"1m\"\n"));

    auto explain = lk({"config", "explain"});
    ASSERT_EQ(explain.exit_code, 0) << explain.err;
    EXPECT_NE(explain.out.find("via env INTEG_REPORTS_KEY_V2"), std::string::npos) << explain.out;
    EXPECT_NE(explain.out.find(policy() + ":12:11"), std::string::npos) << explain.out;

    auto unset = lk({"sites", "modify", "reports", "--unset", "header"});
    ASSERT_EQ(unset.exit_code, 0) << unset.err;
    EXPECT_EQ(text().find("header ="), std::string::npos) << text();
    auto show = lk({"sites", "show", "reports"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("Authorization: Bearer {token}"), std::string::npos) << show.out;
}

TEST_F(SitesCli, RemovingTheDefaultSiteRemovesDefaultSiteToo) {
    write_policy(kTeamPolicy);
    auto r = lk({"sites", "remove", "reports"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("it was the default site, so default_site is removed too"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(text(),
              "# The team's latchkey policy.\n"
              "\n"
              "[defaults]\n"
              "timeout = \"5s\"\n"
              "\n"
              "# Billing.\n"
              "[sites.billing]\n"
              "provider = \"api-key\"\n"
              "api_key = { env = \"INTEG_BILLING_KEY\" }\n");
    auto list = lk({"sites", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out.find("reports"), std::string::npos) << list.out;
    EXPECT_TRUE(selected_in_list(list.out, "billing")) << list.out;  // the only site
    auto check = lk({"config", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(check.out, policy() + ": ok (1 site)\n");
}

TEST_F(SitesCli, RemovingAnotherSiteKeepsDefaultSite) {
    write_policy(kTeamPolicy);
    auto r = lk({"sites", "remove", "billing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "removed site 'billing' from " + policy() + "\n");
    EXPECT_EQ(text(), kTeamPolicy.substr(0, kTeamPolicy.find("\n# Billing.")));
}

TEST_F(SitesCli, RemovingASiteErasesItsStoredCredential) {
    write_policy(kTeamPolicy);
    ASSERT_EQ(lk({"token", "--at", "billing"}).exit_code, 0);
    auto before = lk({"storage", "list", "--all"});
    ASSERT_NE(before.out.find("billing"), std::string::npos) << before.out;

    auto r = lk({"sites", "remove", "billing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "removed site 'billing' from " + policy() +
                         "\nerased its stored credential from the file store (not revoked at "
                         "the server: `latchkey logout --at billing` before removing a site "
                         "does that)\n");
    // Nothing of it is left in the store, not even as an unused identity.
    auto after = lk({"storage", "list", "--all"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(after.out.find("billing"), std::string::npos) << after.out;
    token_like("bk-Integ-sites-2");  // printed by `token` alone
}

TEST_F(SitesCli, RemovingASiteCanKeepItsStoredCredential) {
    write_policy(kTeamPolicy);
    ASSERT_EQ(lk({"token", "--at", "billing"}).exit_code, 0);
    auto r = lk({"-o", "json", "sites", "remove", "billing", "--keep-credential"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = parse_json(r.out);
    EXPECT_EQ(json_string(j, "action"), "removed");
    EXPECT_EQ(json_string(j, "credential"), "kept");
    auto after = lk({"storage", "list", "--all"});
    EXPECT_NE(after.out.find("billing (unused identity)"), std::string::npos) << after.out;
}

TEST_F(SitesCli, RemovingASiteWithNothingStoredSaysSoInJson) {
    write_policy(kTeamPolicy);
    auto r = lk({"-o", "json", "sites", "remove", "billing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = parse_json(r.out);
    EXPECT_EQ(json_string(j, "credential"), "none");
    EXPECT_EQ(r.err, "");
}

TEST_F(SitesCli, SetDefaultRewritesTheValueAndKeepsItsComment) {
    write_policy(kTeamPolicy);
    auto r = lk({"-o", "json", "sites", "set-default", "billing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = parse_json(r.out);
    EXPECT_EQ(json_string(j, "action"), "set-default");
    EXPECT_EQ(json_string(j, "default_site"), "billing");
    EXPECT_TRUE(j["changed"].GetBool());
    EXPECT_EQ(text(), replaced(kTeamPolicy, "\"reports\"   # most", "\"billing\"   # most"));
    auto list = lk({"sites", "list"});
    EXPECT_TRUE(selected_in_list(list.out, "billing")) << list.out;

    // Again: nothing to change, nothing written.
    auto again = lk({"sites", "set-default", "billing"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("(no change)"), std::string::npos) << again.out;
}

TEST_F(SitesCli, KeepsPermissionBitsAndFollowsASymbolicLink) {
    write_policy(kTeamPolicy);
    chmod(policy().c_str(), 0640);
    const std::string link = sandbox_.file("link.toml");
    ASSERT_EQ(symlink(policy().c_str(), link.c_str()), 0);
    auto r = run_cli({"--config", link, "sites", "set-default", "billing"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(mode_of(policy()), 0640u);
    EXPECT_NE(text().find("default_site = \"billing\""), std::string::npos) << text();
    EXPECT_TRUE(leftovers().empty());
}

TEST_F(SitesCli, ASecretOnTheCommandLineIsWrittenWithAWarningAndNeverPrinted) {
    write_policy(kTeamPolicy);
    const std::string secret = "sk-Integ-sites-cmdline-6";
    never_print(secret);
    auto r =
        lk({"sites", "add", "vault", "--provider", "api-key", "--option", "api_key=" + secret});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: api_key is a secret: given on the command line, other users can "
                         "see it (ps)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--option-env api_key=VAR"), std::string::npos) << r.err;
    EXPECT_EQ(mode_of(policy()), 0600u);
    auto show = lk({"sites", "show", "vault"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("****"), std::string::npos) << show.out;
}

TEST_F(SitesCli, ASecretWrittenIntoAReadablePolicyMakesItOwnerOnly) {
    write_policy(kTeamPolicy);
    chmod(policy().c_str(), 0644);
    const std::string secret = "sk-Integ-sites-readable-9";
    never_print(secret);
    auto r =
        lk({"sites", "add", "vault", "--provider", "api-key", "--option", "api_key=" + secret});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("now holds a secret: its permissions are reduced to owner-only"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(mode_of(policy()), 0600u);
    // A reference is no secret: the bits of a readable policy stay as they are.
    chmod(policy().c_str(), 0644);
    auto ref = lk({"sites", "modify", "vault", "--option-env", "api_key=VAULT_KEY"});
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
    EXPECT_EQ(mode_of(policy()), 0644u);
}

TEST_F(SitesCli, EditsAtTheSameTimeAllLand) {
    // Each edit reads, changes and replaces the whole file: without the lock
    // on the policy's directory, one would overwrite another's table.
    constexpr int kEdits = 6;
    std::vector<std::thread> threads;
    std::vector<RunResult> results(kEdits);
    for (int i = 0; i < kEdits; ++i)
        threads.emplace_back([&, i] {
            results[i] = test::latchkey(
                {"--config", policy(), "sites", "add", "s" + std::to_string(i), "--provider",
                 "api-key", "--option-env", "api_key=INTEG_REPORTS_KEY"},
                options());
        });
    for (auto& t : threads) t.join();
    for (int i = 0; i < kEdits; ++i) {
        record({"sites", "add", "s" + std::to_string(i)}, results[i]);
        EXPECT_EQ(results[i].exit_code, 0) << results[i].err;
    }
    auto check = lk({"config", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(check.out, policy() + ": ok (" + std::to_string(kEdits) + " sites)\n");
}

}  // namespace
}  // namespace latchkey::itest
