// Provider plugins through the CLI: the broken test plugins are listed as
// refused (file and reason), a site whose plugin is refused fails naming the
// file, and `providers show` documents a provider's options.
#include <sys/stat.h>

#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

const std::string kCases = LATCHKEY_TEST_PLUGIN_DIR;

struct RefusalCase {
    std::string dir;     // test-plugins/<dir>
    std::string file;    // the refused file in it
    std::string reason;  // a phrase of the reason
};

void PrintTo(const RefusalCase& c, std::ostream* os) { *os << c.dir; }

class PluginRefusals : public CliTest, public ::testing::WithParamInterface<RefusalCase> {};

TEST_P(PluginRefusals, ProvidersListShowsTheRefusal) {
    const auto& c = GetParam();
    const std::string dir = kCases + "/" + c.dir;
    const std::string file = dir + "/" + c.file;
    auto r = run_cli({"--plugin-dir", dir, "providers", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The good built-in providers are still listed...
    EXPECT_NE(r.out.find("api-key"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("oauth2-client-credentials"), std::string::npos) << r.out;
    // ...and the broken one is named, with why.
    std::string line;
    for (size_t pos = 0; (pos = r.out.find("refused: ", pos)) != std::string::npos; ++pos) {
        std::string l = r.out.substr(pos, r.out.find('\n', pos) - pos);
        if (l.find(file) != std::string::npos) line = l;
    }
    ASSERT_FALSE(line.empty()) << "no refused: line naming " << file << " in:\n" << r.out;
    EXPECT_NE(line.find(c.reason), std::string::npos) << line;

    auto j = run_cli({"-o", "json", "--plugin-dir", dir, "providers", "list"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    bool found = false;
    for (auto& item : d["refused"].GetArray())
        if (json_string(item, "path") == file) {
            found = true;
            EXPECT_NE(json_string(item, "reason").find(c.reason), std::string::npos);
        }
    EXPECT_TRUE(found) << j.out;
    EXPECT_EQ(json_string(d["search_path"][0], "path"), dir);
    EXPECT_EQ(json_string(d["search_path"][0], "origin"), "--plugin-dir");
}

INSTANTIATE_TEST_SUITE_P(
    Plugins, PluginRefusals,
    ::testing::Values(RefusalCase{"not-a-library", "junk.so", "not a shared library"},
                      RefusalCase{"no-entry", "no-entry.so", "no entry point latchkey_provider_v1"},
                      RefusalCase{"abi-major", "abi-major.so", "ABI 2"},
                      RefusalCase{"small-struct", "small-struct.so", "struct_size"},
                      RefusalCase{"duplicate", "dup-two.so", "also declared by"}),
    [](const auto& info) {
        std::string n = info.param.dir;
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

class Plugins : public CliTest {};

TEST_F(Plugins, SiteWhoseProviderIsRefusedFailsNamingTheFile) {
    const std::string dir = kCases + "/abi-major";
    write_policy("[sites.dev]\nprovider = \"abi-major\"\n");
    auto r = lk({"--plugin-dir", dir, "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(dir + "/abi-major.so"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ABI"), std::string::npos) << r.err;

    auto check = lk({"--plugin-dir", dir, "config", "check"});
    EXPECT_EQ(check.exit_code, 1);
    EXPECT_NE(check.err.find(dir + "/abi-major.so"), std::string::npos) << check.err;
}

TEST_F(Plugins, SiteWhosePluginIsNotALibraryFailsNamingTheFile) {
    const std::string dir = kCases + "/not-a-library";
    write_policy("[sites.dev]\nprovider = \"junk\"\n");
    auto r = lk({"--plugin-dir", dir, "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(dir + "/junk.so"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a shared library"), std::string::npos) << r.err;
}

TEST_F(Plugins, FileNamedForAnotherProviderIsRefused) {
    const std::string dir = kCases + "/name-mismatch";
    write_policy("[sites.dev]\nprovider = \"wrong-name\"\n");
    auto r = lk({"--plugin-dir", dir, "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(dir + "/wrong-name.so"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("something-else"), std::string::npos) << r.err;
}

TEST_F(Plugins, PluginInAWorldWritableDirectoryIsRefused) {
    // A copy of a real provider, in a directory anyone may write to.
    fs::path dir = fs::path(sandbox_.path()) / "open-plugins";
    fs::create_directories(dir);
    fs::copy_file(fs::path(LATCHKEY_PROVIDER_DIR) / "api-key.so", dir / "api-key.so");
    ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
    auto r = run_cli({"--plugin-dir", dir.string(), "providers", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("refused: plugin " + (dir / "api-key.so").string()), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("writable by group or others"), std::string::npos) << r.out;

    // A site does not silently fall back to another copy.
    write_policy("[sites.dev]\nprovider = \"api-key\"\napi_key = \"k-Integ-plugins-1\"\n");
    token_like("k-Integ-plugins-1");
    auto t = lk({"--plugin-dir", dir.string(), "token"});
    EXPECT_EQ(t.exit_code, 1);
    EXPECT_NE(t.err.find((dir / "api-key.so").string()), std::string::npos) << t.err;
    chmod(dir.c_str(), 0700);
}

TEST_F(Plugins, WorkingTestPluginIsListedFromPluginDir) {
    const std::string dir = kCases + "/good";
    auto r = run_cli({"-v", "--plugin-dir", dir, "providers", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("test-counter"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("refused:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(dir + "  (--plugin-dir)"), std::string::npos) << r.out;
}

TEST_F(Plugins, LatchkeyPluginPathIsSearched) {
    const std::string dir = kCases + "/good";
    auto r = run_cli({"-v", "providers", "list"}, {{"LATCHKEY_PLUGIN_PATH", dir}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("test-counter"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(dir + "  (LATCHKEY_PLUGIN_PATH)"), std::string::npos) << r.out;
}

TEST_F(Plugins, ProvidersShowListsTheOptions) {
    auto r = run_cli({"providers", "show", "oauth2-client-credentials"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("oauth2-client-credentials 1."), std::string::npos) << r.out;
    for (const char* key : {"token_url", "client_id", "client_secret", "client_auth", "scopes",
                            "audience", "resource", "extra_params"})
        EXPECT_NE(r.out.find(std::string("  ") + key + " "), std::string::npos) << key << "\n"
                                                                                << r.out;
    EXPECT_NE(r.out.find("client_secret_basic"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("required identity"), std::string::npos) << r.out;  // client_id's flags
    // client_secret: secret, and no longer required (private_key_jwt needs none).
    const auto at = r.out.find("\n  client_secret ");
    ASSERT_NE(at, std::string::npos) << r.out;
    const std::string row = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    EXPECT_NE(row.find(" secret "), std::string::npos) << row;
    EXPECT_EQ(row.find("required"), std::string::npos) << row;
    EXPECT_NE(r.out.find("every site also takes"), std::string::npos) << r.out;

    auto j = run_cli({"-o", "json", "providers", "show", "oauth2-client-credentials"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(json_string(d, "name"), "oauth2-client-credentials");
    bool secret_flagged = false;
    for (auto& o : d["options"].GetArray())
        if (json_string(o, "key") == "client_secret") secret_flagged = o["secret"].GetBool();
    EXPECT_TRUE(secret_flagged) << j.out;
}

TEST_F(Plugins, ProvidersShowWithoutANameIsAUsageError) {
    auto r = run_cli({"providers", "show"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST_F(Plugins, ProvidersShowOfAnUnknownProviderSuggests) {
    auto r = run_cli({"providers", "show", "api-kye"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("did you mean 'api-key'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

// The test-counter provider from the `good` case: it logs its `secret`
// option unredacted and puts it in its error messages, so whatever the CLI
// shows proves the host's redaction.
class ThirdPartyPlugin : public CliTest {
 protected:
    const std::string secret_ = "tc-Integ-secret-77aa";
    void SetUp() override {
        never_print(secret_);
        write_policy("[sites.counter]\nprovider = \"test-counter\"\ncounter_file = \"" +
                     sandbox_.file("calls") + "\"\nsecret = { env = \"INTEG_TC_SECRET\" }\n");
        env_["INTEG_TC_SECRET"] = secret_;
    }
    RunResult tc(std::vector<std::string> args) {
        args.insert(args.begin(), {"--plugin-dir", kCases + "/good"});
        return lk(args);
    }
};

TEST_F(ThirdPartyPlugin, WorksFromPluginDirAndItsLogIsRedacted) {
    auto r = tc({"-v", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "tok-1\n");
    EXPECT_NE(r.err.find("using secret ****"), std::string::npos) << r.err;
    auto again = tc({"token"});
    EXPECT_EQ(again.out, "tok-1\n");
    EXPECT_EQ(test::read_file(sandbox_.file("calls")).find('1'), 0u);
}

TEST_F(ThirdPartyPlugin, RejectionIsAFailureWithARedactedMessage) {
    auto r = tc({"--set", "reject=true", "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("test-counter: rejected"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("****"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check the credentials"), std::string::npos) << r.err;
}

TEST_F(ThirdPartyPlugin, TransientFailuresAreRetriedAndRedacted) {
    auto r = tc({"-v", "--set", "fail_transient=2", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "tok-3\n");
    EXPECT_NE(r.err.find("transient failure 1 of 2"), std::string::npos) << r.err;
}

TEST_F(ThirdPartyPlugin, ExceptionsFromAPluginAreContained) {
    write_policy("[sites.boom]\nprovider = \"throws\"\n");
    for (const char* where : {"create", "acquire"}) {
        SCOPED_TRACE(where);
        auto r = lk({"--plugin-dir", kCases + "/throws", "--set", std::string("throw_in=") + where,
                     "token"});
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find("site 'boom'"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace latchkey::itest
