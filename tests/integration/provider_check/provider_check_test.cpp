// latchkey-provider-check as a vendor runs it: the table it prints and its
// exit code, for the plugins latchkey ships and for one that breaks the rules.
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kChecker = std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey-provider-check";
const std::string kProviders = std::string(LATCHKEY_BUILD_DIR) + "/lib/latchkey/providers";

RunResult check(std::vector<std::string> args) {
    args.insert(args.begin(), kChecker);
    return test::run(args);
}

// The row of `check` in the table, or "" when there is none.
std::string row(const std::string& table, const std::string& check) {
    size_t at = table.find("  " + check + " ");
    if (at == std::string::npos || at < 4) return "";
    size_t start = at - 4, end = table.find('\n', at);
    return table.substr(start, end - start);
}

TEST(ProviderCheck, EveryBuiltInProviderPasses) {
    // Every folder of providers/ but `common` is one provider, NAME/ -> NAME.so.
    int checked = 0;
    for (const auto& dir :
         std::filesystem::directory_iterator(std::string(LATCHKEY_SOURCE_DIR) + "/providers")) {
        const std::string name = dir.path().filename().string();
        if (name == "common" || !std::filesystem::exists(dir.path() / "CMakeLists.txt")) continue;
        ++checked;
        auto r = check({kProviders + "/" + name + ".so"});
        EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.out << r.err;
        EXPECT_NE(r.out.find(", 0 failed\n"), std::string::npos) << r.out;
        EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
    }
    EXPECT_GE(checked, 11);
}

TEST(ProviderCheck, TheAbi13TestProviderPasses) {
    auto r = check({std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/kit/test-kit.so"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(row(r.out, "abi version"),
              "PASS  abi version                   ABI 1.3, "
              "descriptor of 96 bytes");
}

TEST(ProviderCheck, ABrokenPluginFailsEachCheckByName) {
    auto r = check({std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/nonconforming/nonconforming.so"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(row(r.out, "load").rfind("PASS", 0), 0u) << r.out;
    EXPECT_NE(row(r.out, "secrets flagged").find("FAIL"), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "secrets flagged").find("'client_secret'"), std::string::npos);
    EXPECT_NE(row(r.out, "identity flagged").find("FAIL"), std::string::npos) << r.out;
    EXPECT_NE(row(r.out, "identity flagged").find("'client_id'"), std::string::npos);
    EXPECT_NE(row(r.out, "create: missing options")
                  .find("FAIL  create: missing options       create accepted a site without "
                        "required option 'client_id'"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(row(r.out, "no exception escapes").rfind("FAIL", 0), 0u) << r.out;
    EXPECT_NE(row(r.out, "no secret in messages").find("holds the value of a secret (api_key)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(row(r.out, "message prefix").rfind("FAIL", 0), 0u) << r.out;
    EXPECT_EQ(row(r.out, "create/destroy leaks").rfind("FAIL", 0), 0u) << r.out;
#if defined(__SANITIZE_ADDRESS__)
    // The check's own child process, ended normally, had LeakSanitizer's verdict.
    EXPECT_NE(row(r.out, "create/destroy leaks").find("LeakSanitizer: "), std::string::npos)
        << r.out << r.err;
    EXPECT_NE(row(r.out, "create/destroy leaks").find("byte(s) leaked in"), std::string::npos)
        << r.out;
#else
    EXPECT_NE(row(r.out, "create/destroy leaks").find("bytes stay allocated per create/destroy"),
              std::string::npos)
        << r.out;
#endif
    EXPECT_NE(r.out.find(", 7 failed\n"), std::string::npos) << r.out;
    // The checker's own table holds no secret either.
    EXPECT_EQ(r.out.find("lkcheck-secret"), std::string::npos) << r.out;
}

TEST(ProviderCheck, RefusesWhatLatchkeyRefuses) {
    auto r = check({std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/abi-major/abi-major.so"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("FAIL  load"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("built for provider ABI 2."), std::string::npos) << r.out;

    EXPECT_EQ(check({}).exit_code, 2);
    EXPECT_EQ(check({"x.so", "--policy", "p.toml"}).exit_code, 2);
}

class ProviderCheckLive : public DevServerTest {};

TEST_F(ProviderCheckLive, AcquiresFromTheSiteItIsGiven) {
    write_cc_policy();
    auto o = options(env_);
    auto r = test::run({kChecker, kProviders + "/oauth2-client-credentials.so", "--policy",
                        policy(), "--at", "dev"},
                       o);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(row(r.out, "live: acquire/refresh"),
              "PASS  live: acquire/refresh         acquired; expired() agrees with its lifetime; "
              "nothing to refresh")
        << r.out;
    EXPECT_EQ(r.out.find(kSecret), std::string::npos);

    server_.fault("500", 10);
    r = test::run({kChecker, kProviders + "/oauth2-client-credentials.so", "--policy", policy(),
                   "--at", "dev"},
                  o);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(row(r.out, "live: acquire/refresh")
                  .rfind("FAIL  live: acquire/refresh         "
                         "acquire: ",
                         0),
              0u)
        << r.out;
}

}  // namespace
}  // namespace latchkey::itest
