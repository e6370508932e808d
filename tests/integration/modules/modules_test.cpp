// The internal modules as a user meets them: a cached token is served without
// mapping any module (nor libcurl, libsecret, hiredis or OpenSSL); the first
// request maps the HTTP module; an installed latchkey uses the installed
// module; and a missing module is an error that says what to do.
//
// Which shared objects a process maps is read from the dynamic loader's own
// report (LD_DEBUG=files, on standard error).
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

// The objects the loader mapped, as LD_DEBUG=files names them: a library's
// soname ("libcurl.so.4") or the path given to dlopen.
std::vector<std::string> mapped(const std::string& err) {
    std::vector<std::string> out;
    const std::string marker = "file=";
    for (size_t pos = 0; (pos = err.find(marker, pos)) != std::string::npos;) {
        pos += marker.size();
        size_t end = err.find_first_of(" \t\n", pos);
        out.push_back(err.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

bool any_contains(const std::vector<std::string>& files, const std::string& part) {
    for (auto& f : files)
        if (f.find(part) != std::string::npos) return true;
    return false;
}

std::string listing(const std::vector<std::string>& files) {
    std::string s;
    for (auto& f : files) s += "  " + f + "\n";
    return s;
}

const std::vector<std::string> kHeavy = {"libcurl",    "libsecret", "libglib", "libgio",
                                         "libhiredis", "libcrypto", "libssl"};

class Modules : public DevServerTest {
 protected:
    void SetUp() override { write_cc_policy(); }
};

TEST_F(Modules, CachedTokenMapsNoModuleAndNoHeavyLibrary) {
    // The first token is fetched: the HTTP module is mapped for it.
    auto first = lk({"token"}, {{"LD_DEBUG", "files"}});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto files = mapped(first.err);
    EXPECT_TRUE(any_contains(files, "latchkey/modules/http.so")) << listing(files);
    EXPECT_TRUE(any_contains(files, "libcurl")) << listing(files);

    // The second is served from the file store: no module, none of their
    // libraries, and no OpenSSL. The CLI has the library and the C++
    // runtime linked in, and the built-in provider its own runtime: the
    // process maps the provider, libc and libm, and no libstdc++.so.
    auto second = lk({"token"}, {{"LD_DEBUG", "files"}});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(first_line(second.out), first_line(first.out));
    EXPECT_EQ(server_.issued(kClient), 1);
    files = mapped(second.err);
    EXPECT_TRUE(any_contains(files, "oauth2-client-credentials.so")) << listing(files);
    EXPECT_TRUE(any_contains(files, "libc.so")) << listing(files);
#ifdef LATCHKEY_SANITIZER_BUILD
    // A sanitizer build links the shared C++ runtime (the sanitizer runtime
    // needs it): only the library must stay out.
    for (auto& lib : {"liblatchkey"})
#else
    for (auto& lib : {"liblatchkey", "libstdc++", "libgcc_s"})
#endif
        EXPECT_FALSE(any_contains(files, lib)) << lib << "\n" << listing(files);
    EXPECT_FALSE(any_contains(files, "latchkey/modules/")) << listing(files);
    for (auto& lib : kHeavy)
        EXPECT_FALSE(any_contains(files, lib)) << lib << "\n" << listing(files);
}

TEST_F(Modules, KeyringAndRedisModulesAreMappedOnlyWhenChosen) {
    // `storage check` of the file backend maps neither storage module.
    auto r = lk({"storage", "check"}, {{"LD_DEBUG", "files"}});
    auto files = mapped(r.err);
    EXPECT_FALSE(any_contains(files, "storage-keyring")) << listing(files);
    EXPECT_FALSE(any_contains(files, "storage-redis")) << listing(files);

    // Choosing redis maps the redis module (and hiredis); nothing listens on
    // the port, so the command fails, naming the backend.
    write_policy("[storage]\nbackend = \"redis\"\n[storage.redis]\nurl = \"redis://127.0.0.1:" +
                 std::to_string(closed_port()) + "/0\"\ntimeout = \"500ms\"\n" + cc_site());
    auto redis = lk({"storage", "check"}, {{"LD_DEBUG", "files"}});
    EXPECT_EQ(redis.exit_code, 1) << redis.out << redis.err;
    files = mapped(redis.err);
    EXPECT_TRUE(any_contains(files, "latchkey/modules/storage-redis.so")) << listing(files);
    EXPECT_TRUE(any_contains(files, "libhiredis")) << listing(files);
    EXPECT_FALSE(any_contains(files, "storage-keyring")) << listing(files);
    EXPECT_NE(redis.err.find("redis"), std::string::npos) << redis.err;
}

TEST_F(Modules, InstalledLatchkeyUsesTheInstalledModuleAndNamesAMissingOne) {
    test::TempDir prefix_dir;
    const std::string prefix = prefix_dir.path();
    RunOptions install_options;
    install_options.timeout_ms = 110'000;
    std::vector<std::string> install{LATCHKEY_CMAKE_COMMAND, "--install", LATCHKEY_BUILD_DIR,
                                     "--prefix", prefix};
    auto inst = test::run(install, install_options);
    ASSERT_FALSE(inst.timed_out);
    ASSERT_EQ(inst.exit_code, 0) << inst.out << inst.err;
    const std::string modules = prefix + "/lib/latchkey/modules";
    for (auto m : {"crypto.so", "http.so", "storage-keyring.so", "storage-redis.so"})
        EXPECT_TRUE(fs::exists(modules + "/" + m)) << m;

    const std::string bin = prefix + "/bin/latchkey";
    RunOptions o = options({{"LATCHKEY_PLUGIN_PATH", std::nullopt}, {"LD_DEBUG", "files"}});
    for (auto& [k, v] : env_) o.env[k] = v;
    std::vector<std::string> args{bin, "--config", policy(), "token"};
    auto t = test::run(args, o);
    record(args, t);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(first_line(t.out).rfind("dev-at-", 0), 0u) << t.out;
    auto files = mapped(t.err);
    bool installed = false;
    for (auto& f : files)
        if (f.find("/http.so") != std::string::npos)
            installed = fs::weakly_canonical(f) == fs::weakly_canonical(modules + "/http.so");
    EXPECT_TRUE(installed) << "the installed http.so expected in:\n" << listing(files);

    // Without its HTTP module, a fetch fails with a message naming the file
    // and the next step; nothing crashes.
    fs::remove(modules + "/http.so");
    std::vector<std::string> again{bin, "--config", policy(), "login", "--force"};
    RunOptions quiet = options({{"LATCHKEY_PLUGIN_PATH", std::nullopt}});
    for (auto& [k, v] : env_) quiet.env[k] = v;
    auto m = test::run(again, quiet);
    record(again, m);
    EXPECT_EQ(m.exit_code, 1) << m.out << m.err;
    EXPECT_NE(m.err.find(modules + "/http.so"), std::string::npos) << m.err;
    EXPECT_NE(m.err.find("reinstall latchkey"), std::string::npos) << m.err;
}

}  // namespace
}  // namespace latchkey::itest
