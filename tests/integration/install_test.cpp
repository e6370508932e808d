// `cmake --install` of this build tree into a private prefix: the installed
// latchkey finds the installed providers in PREFIX/lib/latchkey/providers,
// uses them, and the SDK headers are installed for plugin authors (under
// their own include root: sdk/CMakeLists.txt).
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

std::string canonical(const std::string& p) { return fs::weakly_canonical(p).string(); }

class Install : public CliTest {};

TEST_F(Install, InstalledLatchkeyUsesTheInstalledProviders) {
    test::TempDir prefix_dir;
    const std::string prefix = prefix_dir.path();
    RunOptions install_options;
    install_options.timeout_ms = 110'000;
    auto inst =
        test::run({LATCHKEY_CMAKE_COMMAND, "--install", LATCHKEY_BUILD_DIR, "--prefix", prefix},
                  install_options);
    ASSERT_FALSE(inst.timed_out);
    ASSERT_EQ(inst.exit_code, 0) << inst.out << inst.err;

    EXPECT_TRUE(fs::exists(prefix + "/include/latchkey-sdk/latchkey/provider.h"));
    // The credential helpers' names lead to the program behind the front door.
    for (const char* helper : {"git-credential-latchkey", "docker-credential-latchkey"})
        EXPECT_TRUE(fs::equivalent(prefix + "/bin/" + helper,
                                   prefix + "/libexec/latchkey/latchkey"))
            << helper;
    EXPECT_TRUE(fs::exists(prefix + "/include/latchkey-sdk/latchkey/provider.hpp"));
    const std::string provider_dir = prefix + "/lib/latchkey/providers";
    ASSERT_TRUE(fs::exists(provider_dir + "/api-key.so"));
    ASSERT_TRUE(fs::exists(provider_dir + "/oauth2-client-credentials.so"));

    const std::string bin = prefix + "/bin/latchkey";
    ASSERT_TRUE(fs::exists(bin));
    RunOptions o = options({{"LATCHKEY_PLUGIN_PATH", std::nullopt}});
    auto r = test::run({bin, "-v", "providers", "list"}, o);
    record({bin, "-v", "providers", "list"}, r);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("api-key"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("oauth2-client-credentials"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("refused:"), std::string::npos) << r.out;
    // The search path (shown by -v) has the prefix's provider directory.
    bool listed = false;
    for (size_t pos = 0; (pos = r.out.find("(install dir)", pos)) != std::string::npos; ++pos) {
        size_t start = r.out.rfind('\n', pos) + 1;
        std::string dir = r.out.substr(start, pos - start);
        dir = dir.substr(dir.find_first_not_of(' '));
        dir = dir.substr(0, dir.find_last_not_of(' ') + 1);
        if (canonical(dir) == canonical(provider_dir)) listed = true;
    }
    EXPECT_TRUE(listed) << "no install dir " << provider_dir << " in:\n" << r.out;
    // ... and not the tree it was built in.
    EXPECT_EQ(r.out.find(std::string(LATCHKEY_BUILD_DIR) + "/lib/latchkey/providers"),
              std::string::npos)
        << r.out;

    // Every provider comes from the prefix, not from the build tree.
    auto j = test::run({bin, "-o", "json", "providers", "list"}, o);
    record({bin, "-o", "json", "providers", "list"}, j);
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    int from_prefix = 0;
    for (auto& p : d["providers"].GetArray()) {
        if (p.HasMember("shadowed_by")) continue;
        std::string path = canonical(json_string(p, "path"));
        EXPECT_EQ(path.rfind(canonical(provider_dir), 0), 0u) << path;
        ++from_prefix;
    }
    // As many as the build tree has: every provider was installed.
    auto built = test::latchkey({"-o", "json", "providers", "list"}, o);
    ASSERT_EQ(built.exit_code, 0) << built.err;
    auto b = parse_json(built.out);
    ASSERT_TRUE(b.IsObject());
    EXPECT_GE(from_prefix, 2);
    EXPECT_EQ(from_prefix, static_cast<int>(b["providers"].Size())) << j.out;

    // And the installed program works with them.
    const std::string key = "k-Integ-install-5e";
    token_like(key);
    write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = \"" + key + "\"\n");
    std::vector<std::string> args{bin, "--config", policy(), "token", "--header"};
    auto t = test::run(args, o);
    record(args, t);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(t.out, "Authorization: Bearer " + key + "\n");
    std::vector<std::string> explain{bin, "--config", policy(), "sites", "show"};
    auto s = test::run(explain, o);
    record(explain, s);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    const std::string marker = "provider api-key from ";
    size_t at = s.out.find(marker);
    ASSERT_NE(at, std::string::npos) << s.out;
    std::string used = first_line(s.out.substr(at + marker.size()));
    EXPECT_EQ(canonical(used), canonical(provider_dir + "/api-key.so")) << s.out;

    // The program (behind the front door) copied away from its install: no
    // LIBDIR beside it, so it falls back to the configured places (here the
    // build tree's providers) and still works.
    test::TempDir elsewhere;
    const std::string copy = elsewhere.path() + "/latchkey";
    fs::copy_file(prefix + "/libexec/latchkey/latchkey", copy);
    auto c = test::run({copy, "-v", "--config", policy(), "token", "--header"}, o);
    record({copy, "-v", "--config", policy(), "token", "--header"}, c);
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(first_line(c.out), "Authorization: Bearer " + key);

    // The front door copied without the program says what is missing.
    test::TempDir alone;
    const std::string front = alone.path() + "/latchkey";
    fs::copy_file(bin, front);
    auto f = test::run({front, "--config", policy(), "token"}, o);
    record({front, "--config", policy(), "token"}, f);
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_EQ(f.out, "");
    EXPECT_NE(f.err.find("latchkey: error: cannot run the program " + alone.path() +
                         "/../libexec/latchkey/latchkey: No such file or directory"),
              std::string::npos)
        << f.err;
}

}  // namespace
}  // namespace latchkey::itest
