// Bad input to `latchkey sites add|modify|remove|set-default`: a clear message,
// exit 1 (2 for a malformed command line), and the policy file byte for byte
// as it was, with no temporary file left beside it.
#include "sites_fixture.hpp"

namespace latchkey::itest {
namespace {

class SitesCliErrors : public SitesCli {
 protected:
    void SetUp() override { write_policy(kTeamPolicy); }

    // Runs `latchkey --config POLICY args` and expects a refusal.
    void refused(const std::vector<std::string>& args, int code, const std::string& words) {
        std::string before = text();
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, code) << join_args(args) << "\n" << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << join_args(args) << "\n" << r.err;
        EXPECT_EQ(r.out, "") << join_args(args);
        EXPECT_EQ(text(), before) << join_args(args);
        EXPECT_TRUE(leftovers().empty()) << join_args(args);
    }
};

TEST_F(SitesCliErrors, Add) {
    refused({"sites", "add", "reports", "--provider", "api-key"}, 1,
            "site 'reports' already exists in " + policy() +
                "; change it with `latchkey sites modify reports");
    refused({"sites", "add", "x", "--provider", "api-kye"}, 1,
            "no provider plugin named 'api-kye'; did you mean 'api-key'?");
    refused({"sites", "add", "x", "--provider", "nothing-like-it"}, 1, "Installed providers: ");
    refused({"sites", "add", "x"}, 2, "--provider P is required");
    refused({"sites", "add", "--provider", "api-key"}, 2, "name the site");
    refused({"sites", "add", "a/b", "--provider", "api-key"}, 2,
            "may only use letters, digits, '-', '_' and '.'");
    refused({"sites", "add", "_cache", "--provider", "api-key"}, 2,
            "site name '_cache' must start with a letter or digit");
    refused({"sites", "add", "x", "--provider", "oauth2-client-credentials", "--option",
             "token_url=https://a.example/t", "--option", "clinet_id=app"},
            1, "has no option 'clinet_id'; did you mean 'client_id'?");
    // A required option neither set nor available from the environment.
    refused({"sites", "add", "x", "--provider", "oauth2-client-credentials", "--option",
             "token_url=https://a.example/t"},
            1, "option 'client_id' (string) is required by provider oauth2-client-credentials");
    refused({"sites", "add", "x", "--provider", "api-key", "--option", "provider=exec"}, 2,
            "give the provider with --provider");
}

TEST_F(SitesCliErrors, Values) {
    refused(
        {"sites", "modify", "reports", "--option", "timeout=soon"}, 1,
        "--option timeout: expected a duration such as \"30s\", \"5m\" or \"1h\", got \"soon\"");
    refused({"sites", "modify", "reports", "--option", "jwt_expiry=maybe"}, 1,
            "--option jwt_expiry: expected true or false");
    refused({"sites", "modify", "reports", "--option", "refresh_at=most"}, 1,
            "refresh_at: expected a percentage");
    refused({"sites", "modify", "reports", "--option", "=x"}, 2, "--option needs key=value");
    refused({"sites", "modify", "reports", "--option", "timeout=3", "--option", "timeout=4"}, 2,
            "timeout is given twice");
    refused({"sites", "modify", "reports", "--option", "api_key={evn=X}"}, 2,
            "did you mean 'env'?");
    refused({"sites", "modify", "reports", "--option", "api_key={secret=../etc/passwd}"}, 2,
            "a secret is a plain file name in $LATCHKEY_SECRETS_DIR");
}

TEST_F(SitesCliErrors, ModifyRemoveSetDefault) {
    refused({"sites", "modify", "reprots", "--option", "timeout=3"}, 1,
            "no site 'reprots' in " + policy() + "; did you mean 'reports'?");
    refused({"sites", "modify", "reports"}, 2, "nothing to change");
    refused({"sites", "modify", "reports", "--unset", "headr"}, 1,
            "site 'reports' in " + policy() + " has no key 'headr'; did you mean 'header'?");
    refused({"sites", "modify", "reports", "--option", "timeout=3", "--unset", "timeout"}, 2,
            "timeout is both set and unset");
    // Without a provider the site is invalid: refused, not written.
    refused({"sites", "modify", "reports", "--unset", "provider"}, 1, "names no provider");
    refused({"sites", "remove", "biling"}, 1, "did you mean 'billing'?");
    refused({"sites", "set-default", "nope"}, 1, "no site 'nope' in " + policy());
}

TEST_F(SitesCliErrors, LayoutsItCannotEditSafely) {
    write_policy(
        "[sites]\ninline = { provider = \"api-key\", api_key = { env = \"K\" } }\n"
        "dotted.provider = \"api-key\"\n");
    refused({"sites", "modify", "inline", "--option", "timeout=3"}, 1,
            policy() + ":2: site 'inline' is written as an inline table");
    refused({"sites", "remove", "inline"}, 1, "edit the file by hand");
    refused({"sites", "remove", "dotted"}, 1, "site 'dotted' is written with dotted keys");

    write_policy("[sites.a]\nprovider = \"api-key\"\n\n[sites.a.api_key]\nenv = \"K\"\n");
    refused({"sites", "modify", "a", "--option-env", "api_key=OTHER"}, 1,
            "key 'api_key' of site 'a' is written as a table");
}

TEST_F(SitesCliErrors, MalformedOrMissingFile) {
    write_policy("[sites.a]\nprovider = \n");
    refused({"sites", "set-default", "a"}, 1, policy() + ":2:");

    const std::string missing = sandbox_.file("none/policy.toml");
    auto r = run_cli({"--config", missing, "sites", "modify", "a", "--option", "timeout=3"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(missing + " does not exist; add a site first with `latchkey sites add"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
}  // namespace latchkey::itest
