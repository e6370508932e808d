// Every policy error a person can make, each named by file:line:column, the
// key, what was expected and, for a misspelt key, the nearest valid one.
// Secret values never appear in any of these messages.
#include <map>

#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::policy::Environment;
using latchkey::policy::OptionSpec;
using latchkey::policy::Policy;
using latchkey::policy::Resolver;
using namespace lkt;

class PolicyErrors : public Isolated {
 protected:
    // Writes the policy and returns the error of loading it and resolving
    // site `site` against the hand-written schema.
    latchkey::Error error_of(const std::string& text, std::map<std::string, std::string> vars = {},
                             std::vector<std::pair<std::string, std::string>> sets = {},
                             const std::string& site = "planet",
                             std::vector<OptionSpec> schema = oauth_schema()) {
        text_ = text;
        path_ = dir.write("policy.toml", text);
        return catch_error([&] {
            Policy p = Policy::load(path_);
            Resolver r(p, fake_env(std::move(vars), std::move(sets)));
            r.resolve(site, schema);
        });
    }
    std::string msg(const latchkey::Error& e) { return e.what(); }

    std::string text_, path_;
    const std::string head_ = "[sites.planet]\nprovider = \"oauth\"\n";
    const std::string good_ = "token_url = \"https://t.example/token\"\nclient_id = \"abc\"\n";
};

TEST_F(PolicyErrors, MalformedToml) {
    auto e = error_of(head_ + "client_id = \"unterminated\ntoken_url = \"u\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(e.exit_code(), 1);
    // Line 3 is the bad one; the message starts with path:3:COLUMN.
    EXPECT_EQ(msg(e).rfind(path_ + ":3:", 0), 0u) << msg(e);
    EXPECT_NE(msg(e).find("malformed TOML"), std::string::npos) << msg(e);
}

TEST_F(PolicyErrors, UnknownTopLevelKey) {
    auto e = error_of("[defualts]\ntimeout = \"5s\"\n" + head_ + good_);
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), where(path_, text_, "defualts") +
                          ": unknown key 'defualts' in the policy; did you mean 'defaults'?");
}

TEST_F(PolicyErrors, UnknownKeyInHostAndStorageTables) {
    auto e = error_of("[host]\nplugin_dir = [\"/x\"]\n" + head_ + good_);
    EXPECT_EQ(msg(e), where(path_, text_, "plugin_dir") +
                          ": unknown key 'plugin_dir' in [host]; did you mean 'plugin_dirs'?");
    auto e2 = error_of("[storage]\nbakend = \"file\"\n" + head_ + good_);
    EXPECT_EQ(msg(e2), where(path_, text_, "bakend") +
                           ": unknown key 'bakend' in [storage]; did you mean 'backend'?");
}

TEST_F(PolicyErrors, UnknownKeyInSiteNamesTheNearest) {
    auto e = error_of(head_ + "token_url = \"u\"\nclinet_id = \"abc\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e),
              where(path_, text_, "clinet_id") +
                  ": unknown key 'clinet_id' in [sites.planet] (provider oauth); did you mean "
                  "'client_id'?");
}

TEST_F(PolicyErrors, UnknownKeyInSiteWithARealProvider) {
    std::string text =
        "[storage]\nbackend = \"memory\"\n[sites.tc]\nprovider = \"test-counter\"\n"
        "countr_file = \"" +
        dir.file("c") + "\"\n";
    std::string path = dir.write("tc.toml", text);
    auto host = open_host(path);
    auto e = catch_error([&] { host->site("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e),
              where(path, text, "countr_file") +
                  ": unknown key 'countr_file' in [sites.tc] (provider test-counter); did you "
                  "mean 'counter_file'?");
}

TEST_F(PolicyErrors, WrongTypes) {
    // A string where a list is expected.
    auto e = error_of(head_ + good_ + "scopes = \"read write\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), where_value(path_, text_, "scopes = \"read write\"") +
                          ": scopes: expected a list of strings, found string");
    // A list element of the wrong type is named by its own position.
    auto e2 = error_of(head_ + good_ + "scopes = [\"read\", 7]\n");
    EXPECT_EQ(msg(e2),
              where(path_, text_, "7]") +
                  ": scopes: expected a list of strings, found an element of type integer");
    // A string where an integer is expected.
    auto e3 = error_of(head_ + good_ + "retries = \"three\"\n");
    EXPECT_EQ(msg(e3), where_value(path_, text_, "retries = \"three\"") +
                           ": retries: expected an integer, found string");
    // An integer where a string is expected.
    auto e4 = error_of(head_ + "token_url = 42\nclient_id = \"abc\"\n");
    EXPECT_EQ(msg(e4), where_value(path_, text_, "token_url = 42") +
                           ": token_url: expected a string, found integer");
    // A string where a boolean is expected.
    auto e5 = error_of(head_ + good_ + "verify = \"yes please\"\n");
    EXPECT_EQ(msg(e5), where_value(path_, text_, "verify = \"yes please\"") +
                           ": verify: expected true or false, found string");
    // Through the environment: no position, but the variable and the value.
    auto e6 = error_of(head_ + good_, {{"LATCHKEY_RETRIES", "many"}});
    EXPECT_EQ(msg(e6), "env LATCHKEY_RETRIES: retries: expected an integer, got \"many\"");
}

TEST_F(PolicyErrors, WrongTypeOfAHostTable) {
    auto e = error_of("host = \"yes\"\n" + head_ + good_);
    EXPECT_EQ(msg(e),
              where_value(path_, text_, "host = \"yes\"") + ": host: expected a table [host]");
    auto e2 = error_of("[host]\ndotenv = \"true\"\n" + head_ + good_);
    EXPECT_EQ(msg(e2), where_value(path_, text_, "dotenv = \"true\"") +
                           ": host.dotenv: expected true or false");
    auto e3 = error_of("[host]\nplugin_dirs = \"/x\"\n" + head_ + good_);
    EXPECT_EQ(msg(e3), where_value(path_, text_, "plugin_dirs = \"/x\"") +
                           ": host.plugin_dirs: expected a list of strings");
}

TEST_F(PolicyErrors, MissingRequiredKeyNamesBothEnvironmentVariables) {
    auto e =
        error_of("[sites.planet]\nprovider = \"oauth\"\nenv_prefix = \"PL_\"\ntoken_url = \"u\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e),
              where(path_, text_, "planet]") +
                  ": site 'planet': option 'client_id' (string) is required by provider oauth; "
                  "set client_id in [sites.planet] or export PL_CLIENT_ID or LATCHKEY_CLIENT_ID");
    // Without env_prefix only LATCHKEY_<KEY> is offered.
    auto e2 = error_of("[sites.planet]\nprovider = \"oauth\"\ntoken_url = \"u\"\n");
    EXPECT_NE(msg(e2).find("or export LATCHKEY_CLIENT_ID"), std::string::npos) << msg(e2);
    EXPECT_EQ(msg(e2).find("PL_"), std::string::npos) << msg(e2);
    // Setting it in the environment is enough.
    Policy p = Policy::load(path_);
    Resolver r(p, fake_env({{"LATCHKEY_CLIENT_ID", "x"}}));
    auto site = r.resolve("planet", oauth_schema());
    ASSERT_NE(site.get("client_id"), nullptr);
    EXPECT_EQ(site.get("client_id")->text, "x");
}

TEST_F(PolicyErrors, MissingProvider) {
    auto e = error_of("[sites.planet]\ntoken_url = \"u\"\n");
    EXPECT_EQ(msg(e),
              where(path_, text_, "planet]") +
                  ": site 'planet' names no provider; add provider = \"NAME\" (see `latchkey "
                  "providers list`)");
}

TEST_F(PolicyErrors, EnvIndirectionToAnUnsetVariable) {
    auto e = error_of(head_ + "token_url = \"u\"\nclient_id = { env = \"UNSET_CLIENT_ID\" }\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), where(path_, text_, "{ env") +
                          ": client_id: environment variable UNSET_CLIENT_ID is not set");
}

TEST_F(PolicyErrors, UnreadableFileIndirection) {
    std::string missing = dir.file("no-such-secret");
    auto e = error_of(head_ + good_ + "client_secret = { file = \"" + missing + "\" }\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), where(path_, text_, "{ file") + ": client_secret: cannot read " + missing +
                          ": No such file or directory");
    // { secret } reads LATCHKEY_SECRETS_DIR/NAME.
    auto e2 = error_of(head_ + good_ + "client_secret = { secret = \"gone\" }\n",
                       {{"LATCHKEY_SECRETS_DIR", dir.path()}});
    EXPECT_EQ(msg(e2), where(path_, text_, "{ secret") + ": client_secret: cannot read " +
                           dir.file("gone") + ": No such file or directory");
}

TEST_F(PolicyErrors, BadDuration) {
    auto e = error_of(head_ + good_ + "timeout = \"5 parsecs\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e),
              where_value(path_, text_, "timeout = \"5 parsecs\"") +
                  ": timeout: expected a duration such as \"30s\", \"5m\" or \"1h\", got \"5 "
                  "parsecs\"");
    auto e2 = error_of("[defaults]\nrefresh_before = \"soon\"\n" + head_ + good_);
    // In [defaults] the position is the [defaults] line itself.
    EXPECT_EQ(msg(e2),
              where_value(path_, text_, "refresh_before = \"soon\"") +
                  ": refresh_before: expected a duration such as \"30s\", \"5m\" or \"1h\", "
                  "got \"soon\"");
    auto e3 = error_of(head_ + good_, {{"LATCHKEY_TIMEOUT", "-3s"}});
    EXPECT_EQ(msg(e3),
              "env LATCHKEY_TIMEOUT: timeout: expected a duration such as \"30s\", \"5m\" or "
              "\"1h\", got \"-3s\"");
}

TEST_F(PolicyErrors, BadRefreshAt) {
    auto e = error_of(head_ + good_ + "refresh_at = \"150%\"\n");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), where_value(path_, text_, "refresh_at = \"150%\"") +
                          ": refresh_at: expected a percentage of the lifetime such as \"75%\"");
    auto e2 = error_of(head_ + good_ + "refresh_at = \"0.75\"\n");
    EXPECT_EQ(msg(e2), where_value(path_, text_, "refresh_at = \"0.75\"") +
                           ": refresh_at: expected a percentage of the lifetime such as \"75%\"");
    // A good one is accepted and read as a fraction.
    text_ = head_ + good_ + "refresh_at = \"75%\"\n";
    path_ = dir.write("ok.toml", text_);
    Policy p = Policy::load(path_);
    Resolver r(p, fake_env({}));
    EXPECT_DOUBLE_EQ(*r.resolve("planet", oauth_schema()).refresh_at(), 0.75);
}

TEST_F(PolicyErrors, UnknownStorageBackend) {
    std::string text =
        "[storage]\nbackend = \"tape\"\n[sites.tc]\nprovider = \"test-counter\"\n"
        "counter_file = \"" +
        dir.file("c") + "\"\n";
    std::string path = dir.write("tc.toml", text);
    auto e = catch_error([&] { open_host(path)->site("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e).rfind(where_value(path, text, "backend = \"tape\"") +
                               ": storage: unknown backend 'tape' (built in: memory, file",
                           0),
              0u)
        << msg(e);

    // Per site, and through the environment.
    std::string text2 =
        "[sites.tc]\nprovider = \"test-counter\"\nstorage = \"punchcard\"\n"
        "counter_file = \"" +
        dir.file("c") + "\"\n";
    std::string path2 = dir.write("tc2.toml", text2);
    auto e2 = catch_error([&] { open_host(path2)->site("tc"); });
    EXPECT_EQ(msg(e2).rfind(where_value(path2, text2, "storage = \"punchcard\"") +
                                ": storage: unknown backend 'punchcard'",
                            0),
              0u)
        << msg(e2);
    env.set("LATCHKEY_STORAGE", "floppy");
    auto e3 = catch_error([&] { open_host(path2)->site("tc"); });
    EXPECT_EQ(msg(e3).rfind("env LATCHKEY_STORAGE: storage: unknown backend 'floppy'", 0), 0u)
        << msg(e3);
}

TEST_F(PolicyErrors, DefaultSiteNamingNoSite) {
    auto e = error_of("default_site = \"planit\"\n" + head_ + good_);
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e),
              where_value(path_, text_, "default_site = \"planit\"") +
                  ": default_site 'planit' is not a [sites.NAME] table; did you mean 'planet'?");
}

TEST_F(PolicyErrors, BadSiteName) {
    auto e = error_of("[sites.\"my site\"]\nprovider = \"oauth\"\n");
    EXPECT_EQ(msg(e), where(path_, text_, "\"my site\"") +
                          ": site name 'my site' must start with a letter or digit and may only use "
                          "letters, digits, '-', '_' and '.'");
}

TEST_F(PolicyErrors, SetOfAnUnknownKeyIsAUsageError) {
    auto e = error_of(head_ + good_, {}, {{"clientid", "x"}});
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_EQ(msg(e),
              "--set clientid: site 'planet' (provider oauth) has no option 'clientid'; did you "
              "mean 'client_id'?");
    // Without '=' it never gets that far.
    auto e2 = catch_error([] { Environment::from_process({"client_id"}, false); });
    EXPECT_EQ(e2.kind(), ErrorKind::usage);
    EXPECT_EQ(msg(e2), "--set client_id: expected key=value");
    // Through the host, with the real test-counter schema.
    std::string text =
        "[storage]\nbackend = \"memory\"\n[sites.tc]\nprovider = \"test-counter\"\n"
        "counter_file = \"" +
        dir.file("c") + "\"\n";
    std::string path = dir.write("tc.toml", text);
    auto e3 = catch_error([&] { open_host(path, nullptr, {"delai_ms=5"})->site("tc"); });
    EXPECT_EQ(e3.kind(), ErrorKind::usage);
    EXPECT_EQ(msg(e3),
              "--set delai_ms: site 'tc' (provider test-counter) has no option 'delai_ms'; did "
              "you mean 'delay_ms'?");
}

// ---------------------------------------------------------------- secrets stay out

const std::string kSecret = "s3cr3t-V4lue-never-shown";

std::vector<OptionSpec> secret_schema() {
    return {
        {"pin", LATCHKEY_OPT_INT, false, true, false, std::nullopt, "a secret number"},
        {"grace", LATCHKEY_OPT_DURATION, false, true, false, std::nullopt, "a secret duration"},
        {"unlock", LATCHKEY_OPT_BOOL, false, true, false, std::nullopt, "a secret flag"},
    };
}

TEST_F(PolicyErrors, SecretOfTheWrongTypeViaEnvironmentIsNotShown) {
    std::string base = "[sites.s]\nprovider = \"p\"\n";
    for (const char* var : {"LATCHKEY_PIN", "LATCHKEY_GRACE", "LATCHKEY_UNLOCK"}) {
        auto e = error_of(base, {{var, kSecret}}, {}, "s", secret_schema());
        EXPECT_EQ(e.kind(), ErrorKind::config) << var;
        EXPECT_EQ(msg(e).find(kSecret), std::string::npos) << msg(e);
        EXPECT_NE(msg(e).find(std::string("env ") + var), std::string::npos) << msg(e);
    }
    // Through --set as well.
    auto e = error_of(base, {}, {{"pin", kSecret}}, "s", secret_schema());
    EXPECT_EQ(msg(e), "--set pin: pin: expected an integer");
}

TEST_F(PolicyErrors, SecretOfTheWrongTypeViaFileIndirectionIsNotShown) {
    std::string f = dir.write("pin.txt", kSecret + "\n");
    auto e = error_of("[sites.s]\nprovider = \"p\"\npin = { file = \"" + f + "\" }\n", {}, {}, "s",
                      secret_schema());
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e).find(kSecret), std::string::npos) << msg(e);
    auto e2 = error_of("[sites.s]\nprovider = \"p\"\npin = { env = \"PIN_SRC\" }\n",
                       {{"PIN_SRC", kSecret}}, {}, "s", secret_schema());
    EXPECT_EQ(msg(e2).find(kSecret), std::string::npos) << msg(e2);
}

TEST_F(PolicyErrors, SecretOfTheWrongTypeInThePolicyFileIsNotShown) {
    // A secret duration written in the file itself (a bad idea, but the
    // message must still not repeat it).
    auto e = error_of("[sites.s]\nprovider = \"p\"\ngrace = \"" + kSecret + "\"\n", {}, {}, "s",
                      secret_schema());
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(msg(e).find(where_value(path_, text_, "grace = ") + ": grace: expected a duration"),
              std::string::npos)
        << msg(e);
    EXPECT_EQ(msg(e).find(kSecret), std::string::npos) << msg(e);
}

}  // namespace
