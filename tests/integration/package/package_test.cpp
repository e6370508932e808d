// `tools/package --from-build` on this build tree: two .deb files, the dev
// server in its own; the latchkey one unpacked with `dpkg -x` into a scratch
// root and used from there as installed, finding its plugins relative to the
// program.
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

class Package : public CliTest {};

TEST_F(Package, TheDebInstallsAWorkingLatchkeyAndTheDevServerIsApart) {
    const std::string out = sandbox_.file("debs");
    RunOptions build = options();
    build.timeout_ms = 220'000;
    std::vector<std::string> package{std::string(LATCHKEY_SOURCE_DIR) + "/tools/package",
                                     "--from-build", LATCHKEY_BUILD_DIR, "--output", out};
    auto p = test::run(package, build);
    ASSERT_FALSE(p.timed_out);
    ASSERT_EQ(p.exit_code, 0) << p.out << p.err;

    std::string deb, devserver_deb;
    for (auto& e : fs::directory_iterator(out)) {
        std::string name = e.path().filename().string();
        if (name.rfind("latchkey_" LATCHKEY_VERSION_FOR_TEST "_", 0) == 0) deb = e.path().string();
        if (name.rfind("latchkey-devserver_" LATCHKEY_VERSION_FOR_TEST "_", 0) == 0)
            devserver_deb = e.path().string();
    }
    ASSERT_FALSE(deb.empty()) << p.out;
    ASSERT_FALSE(devserver_deb.empty()) << p.out;

    auto contents = test::run({"/usr/bin/dpkg-deb", "--contents", deb});
    ASSERT_EQ(contents.exit_code, 0) << contents.err;
    EXPECT_EQ(contents.out.find("latchkey-devserver"), std::string::npos) << contents.out;
    auto devserver = test::run({"/usr/bin/dpkg-deb", "--contents", devserver_deb});
    EXPECT_NE(devserver.out.find("./usr/bin/latchkey-devserver"), std::string::npos)
        << devserver.out;
    auto depends = test::run({"/usr/bin/dpkg-deb", "--field", deb, "Depends"});
    EXPECT_NE(depends.out.find("libc6"), std::string::npos) << depends.out;

    const std::string root = sandbox_.file("root");
    auto x = test::run({"/usr/bin/dpkg", "-x", deb, root});
    ASSERT_EQ(x.exit_code, 0) << x.err;
    for (const char* f :
         {"/usr/bin/latchkey", "/usr/share/man/man1/latchkey.1.gz",
          "/usr/share/man/man5/latchkey-policy.5.gz",
          "/usr/share/bash-completion/completions/latchkey",
          "/usr/share/zsh/vendor-completions/_latchkey", "/usr/share/doc/latchkey/copyright",
          "/usr/include/latchkey/host.hpp", "/usr/include/latchkey-sdk/latchkey/provider.h",
          "/usr/lib/cmake/latchkey/latchkey-config.cmake", "/usr/lib/pkgconfig/latchkey.pc",
          "/usr/lib/pkgconfig/latchkey-sdk.pc", "/usr/share/latchkey/template/my_provider.cpp",
          "/usr/lib/latchkey/providers/api-key.so", "/usr/lib/latchkey/latchkey-provider-host"})
        EXPECT_TRUE(fs::exists(root + f)) << f;

    // Smoke test from the scratch root.
    const std::string bin = root + "/usr/bin/latchkey";
    RunOptions o = options({{"LATCHKEY_PLUGIN_PATH", std::nullopt}});
    auto v = test::run({bin, "--version"}, o);
    record({bin, "--version"}, v);
    ASSERT_EQ(v.exit_code, 0) << v.err;
    EXPECT_EQ(v.out.rfind("latchkey " LATCHKEY_VERSION_FOR_TEST " ", 0), 0u) << v.out;

    auto list = test::run({bin, "-o", "json", "providers", "list"}, o);
    record({bin, "-o", "json", "providers", "list"}, list);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    auto d = parse_json(list.out);
    ASSERT_TRUE(d.IsObject());
    const std::string providers = fs::weakly_canonical(root + "/usr/lib/latchkey/providers");
    int found = 0;
    for (auto& p : d["providers"].GetArray()) {
        std::string path = fs::weakly_canonical(json_string(p, "path"));
        EXPECT_EQ(path.rfind(providers, 0), 0u) << path;
        ++found;
    }
    EXPECT_GE(found, 5) << list.out;
    EXPECT_EQ(d["refused"].Size(), 0u) << list.out;

    // A site served by an installed provider, its key from the environment.
    const std::string key = "k-Package-smoke-81c2";
    token_like(key);
    write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = { env = \"PKG_KEY\" }\n");
    RunOptions with_key = options({{"LATCHKEY_PLUGIN_PATH", std::nullopt}, {"PKG_KEY", key}});
    auto t = test::run({bin, "--config", policy(), "token"}, with_key);
    record({bin, "--config", policy(), "token"}, t);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(t.out, key + "\n");
}

}  // namespace
}  // namespace latchkey::itest
