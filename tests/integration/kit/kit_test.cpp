// The installed kit, used as a vendor and an application developer would:
// everything comes from the scratch prefix the `kit.install` test made
// (`cmake --install BUILD --prefix PREFIX`), nothing from the source tree but
// the application under test (app/). The provider is the installed template;
// both are loaded and run by the installed latchkey and liblatchkey.
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

const std::string kPrefix = LATCHKEY_KIT_PREFIX;
const std::string kSanitize = LATCHKEY_TEST_SANITIZE;

class Kit : public CliTest {
 protected:
    // The installed program, its plugins from `plugin_dir` first.
    RunResult installed_latchkey(const std::vector<std::string>& args) {
        std::vector<std::string> argv{kPrefix + "/bin/latchkey"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = test::run(argv, options());
        record(argv, r);
        return r;
    }
    // A shell command line, as a user types it (pkg-config substitutions).
    RunResult shell(const std::string& line,
                    const std::map<std::string, std::optional<std::string>>& env = {}) {
        RunOptions o = options(env);
        o.timeout_ms = 100'000;
        auto r = test::run({"/bin/sh", "-c", line}, o);
        record({"/bin/sh", "-c", line}, r);
        return r;
    }
    // cmake -S src -B build against the prefix, then build it.
    void cmake_build(const std::string& src, const std::string& build) {
        std::vector<std::string> configure{
            LATCHKEY_CMAKE_COMMAND,      "-S", src, "-B", build, "-DCMAKE_PREFIX_PATH=" + kPrefix,
            "-DCMAKE_BUILD_TYPE=Release"};
        if (!kSanitize.empty()) {
            // liblatchkey here is instrumented: so must be what links or loads it.
            for (const char* v : {"CMAKE_CXX_FLAGS", "CMAKE_C_FLAGS", "CMAKE_EXE_LINKER_FLAGS",
                                  "CMAKE_MODULE_LINKER_FLAGS"})
                configure.push_back(std::string("-D") + v + "=-fsanitize=" + kSanitize);
            configure.push_back("-DLATCHKEY_PLUGIN_PRIVATE_RUNTIME=OFF");
        }
        RunOptions o = options();
        o.timeout_ms = 100'000;
        auto c = test::run(configure, o);
        ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
        auto b = test::run({LATCHKEY_CMAKE_COMMAND, "--build", build}, o);
        ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
    }
    // The site `mine`, served by the template provider with a key from a file.
    std::string write_template_site() {
        key_file_ = sandbox_.write("key.txt", key_ + "\n");
        token_like(key_);
        return write_policy("[sites.mine]\nprovider = \"my-provider\"\napi_key = { file = \"" +
                            key_file_ + "\" }\n");
    }
    // Both the installed latchkey and the application get the token through
    // the provider in `plugin_dir`.
    void expect_both_serve(const std::string& plugin_dir, const std::string& app) {
        auto show =
            installed_latchkey({"--plugin-dir", plugin_dir, "providers", "show", "my-provider"});
        ASSERT_EQ(show.exit_code, 0) << show.err;
        EXPECT_NE(show.out.find("api_key"), std::string::npos) << show.out;

        auto t = installed_latchkey({"--plugin-dir", plugin_dir, "--config", policy(), "--at",
                                     "mine", "token", "--header"});
        ASSERT_EQ(t.exit_code, 0) << t.err;
        EXPECT_EQ(t.out, "Authorization: Bearer " + key_ + "\n");

        RunOptions o =
            options({{"LATCHKEY_CONFIG", policy()}, {"LATCHKEY_PLUGIN_PATH", plugin_dir}});
        // Not recorded for the secret check: printing the token is this program's job.
        auto a = test::run({app, "mine"}, o);
        ASSERT_EQ(a.exit_code, 0) << a.err;
        EXPECT_EQ(a.out, "Authorization: Bearer " + key_ + "\n");
    }

    const std::string key_ = "k-Kit-installed-3d9a";
    std::string key_file_;
};

TEST_F(Kit, TheSdkHeadersHaveAnIncludeRootOfTheirOwn) {
    for (const char* h : {"provider.h", "provider.hpp", "storage.h"}) {
        EXPECT_TRUE(fs::exists(kPrefix + "/include/latchkey-sdk/latchkey/" + h)) << h;
        EXPECT_FALSE(fs::exists(kPrefix + "/include/latchkey/" + h)) << h;
    }
    for (const char* h : {"host.hpp", "credential.hpp", "error.hpp"}) {
        EXPECT_TRUE(fs::exists(kPrefix + "/include/latchkey/" + h)) << h;
        EXPECT_FALSE(fs::exists(kPrefix + "/include/latchkey-sdk/latchkey/" + h)) << h;
    }
    EXPECT_TRUE(fs::exists(kPrefix + "/share/latchkey/template/CMakeLists.txt"));
    EXPECT_TRUE(fs::exists(kPrefix + "/share/latchkey/template/my_provider.cpp"));
    EXPECT_TRUE(fs::exists(kPrefix + "/share/latchkey/examples/directory-storage/CMakeLists.txt"));
    EXPECT_TRUE(fs::exists(kPrefix + "/share/latchkey/provider-exports.map"));
}

TEST_F(Kit, CMakeBuildsAProviderAndAnApplicationThatRun) {
    const std::string provider_build = sandbox_.file("provider-build");
    ASSERT_NO_FATAL_FAILURE(cmake_build(kPrefix + "/share/latchkey/template", provider_build));
    const std::string app_build = sandbox_.file("app-build");
    ASSERT_NO_FATAL_FAILURE(cmake_build(LATCHKEY_KIT_APP_DIR, app_build));

    write_template_site();
    expect_both_serve(provider_build, app_build + "/kit-app");

    // latchkey_add_provider() exported the entry point and nothing else.
    auto nm =
        test::run({"/usr/bin/nm", "-D", "--defined-only", provider_build + "/my-provider.so"});
    ASSERT_EQ(nm.exit_code, 0) << nm.err;
    EXPECT_NE(nm.out.find(" latchkey_provider_v1\n"), std::string::npos) << nm.out;
    EXPECT_EQ(nm.out.find(" T ", nm.out.find(" T ") + 1), std::string::npos)
        << "more than one function exported:\n"
        << nm.out;

    // The example storage plugin (C) builds from the install too.
    const std::string storage_build = sandbox_.file("storage-build");
    ASSERT_NO_FATAL_FAILURE(
        cmake_build(kPrefix + "/share/latchkey/examples/directory-storage", storage_build));
    auto list = installed_latchkey({"--plugin-dir", storage_build, "providers", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find(storage_build + "/directory-storage.so"), std::string::npos)
        << list.out;
}

TEST_F(Kit, PkgConfigBuildsAProviderAndAnApplicationThatRun) {
    const std::string out = sandbox_.file("pc");
    fs::create_directories(out);
    const std::string cxx = LATCHKEY_CXX_COMPILER;
    const std::string san = kSanitize.empty() ? "" : " -fsanitize=" + kSanitize;
    const std::string runtime =
        kSanitize.empty() ? " -static-libstdc++ -static-libgcc -DLATCHKEY_PRIVATE_CXX_RUNTIME" : "";
    std::map<std::string, std::optional<std::string>> env{
        {"PKG_CONFIG_PATH", kPrefix + "/lib/pkgconfig"}};
    auto provider = shell(cxx + " -std=c++17 -shared -fPIC -fvisibility=hidden" + san + runtime +
                              " $(pkg-config --cflags latchkey-sdk)"
                              " -Wl,--version-script=$(pkg-config --variable=provider_exports_map "
                              "latchkey-sdk) -o '" +
                              out + "/my-provider.so' '" + kPrefix +
                              "/share/latchkey/template/my_provider.cpp'",
                          env);
    ASSERT_EQ(provider.exit_code, 0) << provider.err;
    auto app =
        shell(cxx + " -std=c++17" + san + " -o '" + out + "/kit-app' '" + LATCHKEY_KIT_APP_DIR +
                  "/main.cpp' $(pkg-config --cflags --libs latchkey)"
                  " -Wl,-rpath,$(pkg-config --variable=libdir latchkey)",
              env);
    ASSERT_EQ(app.exit_code, 0) << app.err;

    // The SDK's flags name its own include root; an application's do not.
    auto sdk_flags = shell("pkg-config --cflags latchkey-sdk", env);
    EXPECT_EQ(sdk_flags.out.find("include/latchkey-sdk"), sdk_flags.out.rfind("include/"))
        << sdk_flags.out;
    auto plugin_dir = shell("pkg-config --variable=providerdir latchkey-sdk", env);
    ASSERT_EQ(plugin_dir.exit_code, 0);
    EXPECT_EQ(fs::weakly_canonical(first_line(plugin_dir.out)),
              fs::weakly_canonical(kPrefix + "/lib/latchkey/providers"));

    write_template_site();
    expect_both_serve(out, out + "/kit-app");
}

TEST_F(Kit, AnIncompatibleVersionRequestGetsCMakesVersionError) {
    fs::create_directories(sandbox_.file("consumer"));
    sandbox_.write("consumer/CMakeLists.txt",
                   "cmake_minimum_required(VERSION 3.20)\nproject(consumer LANGUAGES CXX)\n"
                   "find_package(latchkey 99.0 CONFIG REQUIRED)\n");
    auto r = test::run({LATCHKEY_CMAKE_COMMAND, "-S", sandbox_.file("consumer"), "-B",
                        sandbox_.file("consumer-build"), "-DCMAKE_PREFIX_PATH=" + kPrefix},
                       options());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("compatible with requested version \"99.0\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("latchkey-config.cmake, version: " LATCHKEY_VERSION_FOR_TEST),
              std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
