// Plugin isolation and pinning, as a user sees them: the real CLI and a real
// library Host, the hostile test plugins (tests/plugins/hostile_provider.c)
// loaded from disk, the helper process (latchkey-provider-host) they run in.
#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli_test.hpp"
#include "latchkey/error.hpp"
#include "latchkey/host.hpp"

namespace latchkey::itest {
namespace {

const std::string kHostile = std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/hostile";

std::string plugin_file(const std::string& way) { return kHostile + "/test-" + way + ".so"; }

std::string sha256_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < len; ++i) std::snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return std::string(hex, 2 * len);
}

class Isolation : public CliTest {
 protected:
    // [sites.NAME] served by the hostile provider test-WAY.
    std::string hostile_site(const std::string& name, const std::string& way,
                             const std::string& isolation, const std::string& extra = "") const {
        return "[sites." + name + "]\nprovider = \"test-" + way + "\"\nisolation = \"" + isolation +
               "\"\n" + extra + "\n";
    }
    std::string api_site() const {
        return "[sites.api]\nprovider = \"api-key\"\napi_key = \"key-Isol-42c1\"\n";
    }
    RunResult hostile(std::vector<std::string> args, int timeout_ms = 60'000) {
        args.insert(args.begin(), {"--plugin-dir", kHostile});
        return lk(args, {}, timeout_ms);
    }
};

// ---- in-process: the status quo, seen from outside the process it breaks

TEST_F(Isolation, InProcessACrashingPluginKillsLatchkey) {
    write_policy(hostile_site("crash", "crash", "none"));
    auto r = hostile({"token"});
    EXPECT_EQ(r.exit_code, 128 + SIGSEGV) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(Isolation, InProcessAHangingPluginHangsLatchkey) {
    write_policy(hostile_site("hang", "hang", "none", "timeout = \"1s\""));
    // Run by hand: the fixture's runs must finish, this one never does.
    auto o = options(env_);
    o.timeout_ms = 4000;
    auto r = test::latchkey({"--config", policy(), "--plugin-dir", kHostile, "token"}, o);
    EXPECT_TRUE(r.timed_out) << "exit " << r.exit_code << ": " << r.err;
}

TEST_F(Isolation, InProcessAMemoryEaterTakesLatchkeyDown) {
    write_policy(hostile_site("hog", "hog", "none"));
    // Bounded from outside, or it would take the machine's memory.
    auto o = options(env_);
    auto r = test::run({"/bin/sh", "-c",
                        "ulimit -v 1048576; exec \"$0\" --config \"$1\" --plugin-dir \"$2\" token",
                        std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey", policy(), kHostile},
                       o);
    EXPECT_EQ(r.exit_code, 128 + SIGABRT) << r.err;
}

TEST_F(Isolation, InProcessGarbageReachesStandardOutput) {
    write_policy(hostile_site("garbage", "garbage", "none"));
    auto r = hostile({"token"});
    // Exit 0, no token, the plugin's bytes where the token should be.
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("garbage from test-garbage"), std::string::npos) << r.out;
}

// ---- isolation = "process": the same plugins cost the site an error

TEST_F(Isolation, ACrashIsAnErrorNamingThePluginAndTheSignal) {
    write_policy(hostile_site("crash", "crash", "process"));
    auto r = hostile({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'crash'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(plugin_file("crash")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("failed in acquire"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("killed by signal 11 (SIGSEGV"), std::string::npos) << r.err;
}

TEST_F(Isolation, AHangEndsAtTheSitesTimeout) {
    write_policy(hostile_site("hang", "hang", "process", "timeout = \"1s\""));
    auto start = std::chrono::steady_clock::now();
    auto r = hostile({"token"}, 30'000);
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.timed_out) << r.err;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'hang'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(plugin_file("hang")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did not answer acquire within 2 s"), std::string::npos) << r.err;
    EXPECT_LT(took, std::chrono::seconds(20));
}

TEST_F(Isolation, AMemoryEaterHitsTheHelpersLimit) {
    write_policy(hostile_site("hog", "hog", "process"));
    auto r = hostile({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(plugin_file("hog")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(SIGABRT"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("MiB of address space in use (a helper may use 1024 MiB)"),
              std::string::npos)
        << r.err;
}

TEST_F(Isolation, GarbageAndAnExitAreAnErrorAndNothingIsPrinted) {
    write_policy(hostile_site("garbage", "garbage", "process"));
    auto r = hostile({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.find("garbage from"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("its helper process exited with status 0"), std::string::npos) << r.err;
}

TEST_F(Isolation, AWellBehavedProviderServesTheSameTokenFromAHelper) {
    write_policy(api_site() + "isolation = \"process\"\n");
    token_like("key-Isol-42c1");
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Authorization: Bearer key-Isol-42c1\n");
    auto c = lk({"config", "check"});
    EXPECT_EQ(c.exit_code, 0) << c.err;
}

TEST_F(Isolation, ConfigCheckNamesABadIsolationOrPin) {
    write_policy(api_site() + "isolation = \"sandbox\"\n");
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(policy() + ":4:13: isolation: expected \"none\" or \"process\", got "
                                    "\"sandbox\""),
              std::string::npos)
        << r.err;

    write_policy(api_site() + "provider_sha256 = \"abc\"\n");
    r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(policy() + ":4:19: provider_sha256: expected 64 hexadecimal digits"),
              std::string::npos)
        << r.err;
}

// ---- a library Host serving two sites

TEST_F(Isolation, AHostServingTwoSitesSurvivesAndRecovers) {
    std::string marker = sandbox_.file("misbehave");
    std::ofstream(marker) << "on\n";
    write_policy(hostile_site("crash", "crash", "process", "misbehave_while = \"" + marker + "\"") +
                 hostile_site("hang", "hang", "process",
                              "timeout = \"1s\"\nmisbehave_while = \"" + marker + "\"") +
                 api_site());
    HostOptions options;
    options.config_path = policy();
    options.plugin_dirs = {kHostile};
    options.storage = "memory";
    options.log_sink = [](LogLevel, const std::string&) {};
    auto host = Host::open(options);

    EXPECT_EQ(host.token("api").token(), "key-Isol-42c1");
    for (const char* site : {"crash", "hang"}) {
        try {
            host.token(site);
            ADD_FAILURE() << site << " gave a token";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("site '" + std::string(site) + "'"),
                      std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find(plugin_file(site)), std::string::npos) << e.what();
        }
        // This process and the other site are untouched.
        EXPECT_EQ(host.token("api").token(), "key-Isol-42c1");
    }

    // Once the plugin behaves, a new helper serves the site.
    std::filesystem::remove(marker);
    EXPECT_EQ(host.token("crash").token(), "calm-test-crash");
}

// ---- pinning

TEST_F(Isolation, ThePinnedHashLoadsInBothModes) {
    for (const char* mode : {"none", "process"}) {
        write_policy(hostile_site("garbage", "garbage", mode,
                                  "provider_sha256 = \"" + sha256_of(plugin_file("garbage")) +
                                      "\"\nmisbehave_while = \"/nonexistent\""));
        auto r = hostile({"token"});
        EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
        EXPECT_EQ(r.out, "calm-test-garbage\n") << mode;
    }
}

TEST_F(Isolation, AWrongHashIsRefusedNamingBothHashes) {
    std::string actual = sha256_of(plugin_file("garbage"));
    std::string pinned(64, 'a');
    for (const char* mode : {"none", "process"}) {
        write_policy(hostile_site(
            "garbage", "garbage", mode,
            "provider_sha256 = \"" + pinned + "\"\nmisbehave_while = \"/nonexistent\""));
        auto r = hostile({"token"});
        EXPECT_EQ(r.exit_code, 1) << mode << ": " << r.err;
        EXPECT_EQ(r.out, "") << mode;
        EXPECT_NE(r.err.find("plugin " + plugin_file("garbage") + " refused: its SHA-256 is " +
                             actual + ", but provider_sha256 pins " + pinned),
                  std::string::npos)
            << mode << ": " << r.err;
    }
}

}  // namespace
}  // namespace latchkey::itest
