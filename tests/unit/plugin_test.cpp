// Loading provider plugins: every refusal names the file and the reason,
// none crashes the host; discovery order, duplicates and shadowing; plugin
// exceptions become clean errors; a library stays mapped while an object it
// created lives.
#include <malloc.h>
#include <sys/stat.h>
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizer allocator's count (sanitizer/allocator_interface.h, which
// GCC does not install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <fstream>

#include "provider/provider_instance.hpp"
#include "provider/catalog.hpp"
#include "provider/loaded_provider.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::provider::Catalog;
using latchkey::provider::load_provider;
using latchkey::provider::SearchDir;
using namespace lkt;
namespace fs = std::filesystem;

std::string msg(const latchkey::Error& e) { return e.what(); }

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

class Plugins : public Isolated {};

TEST_F(Plugins, LoadsTheGoodOneWithItsSchema) {
    auto p = load_provider(kCounterSo);
    EXPECT_EQ(p->name(), "test-counter");
    EXPECT_EQ(p->path(), kCounterSo);
    std::vector<std::string> keys;
    for (auto& o : p->schema()) keys.push_back(o.key);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"counter_file", "lifetime", "delay_ms", "fail_transient",
                                        "reject", "refresh_rejected", "secret", "expires_at_ms"}));
    EXPECT_TRUE(p->schema()[0].required);
    EXPECT_TRUE(p->schema()[0].identity);
    EXPECT_TRUE(p->schema()[6].secret);
    EXPECT_EQ(p->schema()[1].default_value, std::optional<std::string>("3600"));
}

TEST_F(Plugins, NotALibrary) {
    std::string path = plugin_case("not-a-library") + "/junk.so";
    auto e = catch_error([&] { load_provider(path); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "plugin " + path + " refused: not a shared library (no ELF header)");
}

TEST_F(Plugins, NoEntryPoint) {
    std::string path = plugin_case("no-entry") + "/no-entry.so";
    auto e = catch_error([&] { load_provider(path); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(
        contains(msg(e), "plugin " + path + " refused: no entry point latchkey_provider_v1"))
        << msg(e);
}

TEST_F(Plugins, AbiMajorMismatch) {
    std::string path = plugin_case("abi-major") + "/abi-major.so";
    auto e = catch_error([&] { load_provider(path); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(msg(e), "plugin " + path + " refused: built for provider ABI 2."));
    EXPECT_TRUE(contains(msg(e), "this host speaks ABI 1.3; rebuild it against this SDK"))
        << msg(e);
}

TEST_F(Plugins, DescriptorSmallerThanV1) {
    std::string path = plugin_case("small-struct") + "/small-struct.so";
    auto e = catch_error([&] { load_provider(path); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(msg(e), "plugin " + path + " refused: descriptor struct_size ")) << msg(e);
    EXPECT_TRUE(contains(
        msg(e), "is smaller than ABI 1.0's " + std::to_string(LATCHKEY_PROVIDER_V1_0_SIZE)))
        << msg(e);
}

TEST_F(Plugins, NotARegularFile) {
    auto e = catch_error([&] { load_provider(dir.file("absent.so")); });
    EXPECT_EQ(msg(e), "plugin " + dir.file("absent.so") + " refused: not a regular file");
}

TEST_F(Plugins, FileNamedAfterAnotherProvider) {
    std::string d = plugin_case("name-mismatch");
    Catalog cat({{d, "--plugin-dir"}});
    auto e = catch_error([&] { cat.get("wrong-name"); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "plugin " + d +
                          "/wrong-name.so refused: it declares provider 'something-else', "
                          "but a file named wrong-name.so must provide 'wrong-name'");
}

TEST_F(Plugins, DuplicateInOneDirectoryListing) {
    std::string d = plugin_case("duplicate");
    Catalog cat({{d, "--plugin-dir"}});
    auto items = cat.list_all();
    ASSERT_EQ(items.size(), 2u);
    // The first is listed, the second refused, and the refusal names both files.
    EXPECT_EQ(items[0].path, d + "/dup-one.so");
    ASSERT_TRUE(items[0].provider);
    EXPECT_FALSE(items[1].provider);
    EXPECT_TRUE(contains(items[1].refusal, d + "/dup-one.so")) << items[1].refusal;
    EXPECT_TRUE(contains(items[1].refusal, d + "/dup-two.so")) << items[1].refusal;
    EXPECT_TRUE(contains(items[1].refusal, "'dup'")) << items[1].refusal;
}

TEST_F(Plugins, DuplicateInOneDirectoryGetRefuses) {
    std::string d = plugin_case("duplicate");
    Catalog cat({{d, "--plugin-dir"}});
    auto e = catch_error([&] { cat.get("dup"); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(e.what(), d + "/dup-one.so")) << e.what();
    EXPECT_TRUE(contains(e.what(), d + "/dup-two.so")) << e.what();
}

TEST_F(Plugins, DuplicateAcrossDirectoriesFirstWins) {
    std::string first = plugin_case("duplicate-dirs/first"),
                second = plugin_case("duplicate-dirs/second");
    Catalog cat({{first, "--plugin-dir"}, {second, "LATCHKEY_PLUGIN_PATH"}});
    auto p = cat.get("dup");
    EXPECT_EQ(p->path(), first + "/dup.so");
    EXPECT_EQ(cat.shadowed("dup"), (std::vector<std::string>{second + "/dup.so"}));
    auto items = cat.list_all();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_TRUE(items[0].shadowed_by.empty());
    EXPECT_EQ(items[1].path, second + "/dup.so");
    EXPECT_EQ(items[1].shadowed_by, first + "/dup.so");
    // Reversing the search order reverses the winner.
    Catalog rev({{second, "--plugin-dir"}, {first, "LATCHKEY_PLUGIN_PATH"}});
    EXPECT_EQ(rev.get("dup")->path(), second + "/dup.so");
}

TEST_F(Plugins, HostReportsTheShadowedCopy) {
    std::string first = plugin_case("duplicate-dirs/first"),
                second = plugin_case("duplicate-dirs/second");
    std::string text = "[storage]\nbackend = \"memory\"\n[sites.d]\nprovider = \"dup\"\n";
    std::string path = dir.write("p.toml", text);
    LogCapture log;
    auto host = open_host(path, &log, {}, latchkey::LogLevel::info, {first, second});
    EXPECT_EQ(host->site("d").tokens->token().token(), "static-dup");
    EXPECT_TRUE(
        log.contains("provider dup at " + second + "/dup.so is shadowed by " + first + "/dup.so"))
        << log.all();
}

// Copies test-counter.so to DIR/test-counter.so with `mode`.
std::string copy_plugin(const std::string& d, unsigned mode) {
    fs::create_directories(d);
    std::string to = d + "/test-counter.so";
    fs::copy_file(kCounterSo, to, fs::copy_options::overwrite_existing);
    ::chmod(to.c_str(), mode);
    return to;
}

TEST_F(Plugins, WritableByOthersIsRefused) {
    std::string so = copy_plugin(dir.file("p"), 0755);
    ::chmod(dir.file("p").c_str(), 0755);
    EXPECT_EQ(load_provider(so)->name(), "test-counter");  // the copy itself is fine

    std::string so2 = copy_plugin(dir.file("w"), 0666);
    ::chmod(dir.file("w").c_str(), 0755);
    auto e = catch_error([&] { load_provider(so2); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "plugin " + so2 +
                          " refused: it is writable by group or others (mode 0666); run "
                          "`chmod go-w " +
                          so2 + "`");

    std::string so3 = copy_plugin(dir.file("g"), 0775);
    ::chmod(dir.file("g").c_str(), 0755);
    auto e3 = catch_error([&] { load_provider(so3); });
    EXPECT_TRUE(contains(msg(e3), "writable by group or others (mode 0775)")) << msg(e3);
}

TEST_F(Plugins, InAGroupWritableDirectoryIsRefused) {
    std::string d = dir.file("shared");
    std::string so = copy_plugin(d, 0755);
    ::chmod(d.c_str(), 0775);
    auto e = catch_error([&] { load_provider(so); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "plugin " + so + " refused: its directory " + d +
                          ": it is writable by group or others (mode 0775); run `chmod go-w " + d +
                          "`");
    // Found through the catalog, the refusal is the same.
    Catalog cat({{d, "--plugin-dir"}});
    auto e2 = catch_error([&] { cat.get("test-counter"); });
    EXPECT_EQ(msg(e2), msg(e));
}

TEST_F(Plugins, SymlinkIntoAnOpenDirectoryIsRefused) {
    // The link sits in a private directory, the library itself in one that
    // anyone may write to (and so swap the file between check and load).
    std::string open_dir = dir.file("open");
    std::string real = copy_plugin(open_dir, 0755);
    ::chmod(open_dir.c_str(), 0777);
    std::string safe = dir.file("safe");
    fs::create_directory(safe);
    ::chmod(safe.c_str(), 0755);
    std::string link = safe + "/test-counter.so";
    fs::create_symlink(real, link);
    // Judged where the library really lives, not where the link is.
    auto e = catch_error([&] { load_provider(link); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(e.what(), "writable by group or others")) << e.what();
    EXPECT_TRUE(contains(e.what(), open_dir)) << e.what();
}

TEST_F(Plugins, UnknownProviderListsTheDirectoriesSearched) {
    std::string a = plugin_case("good"), b = plugin_case("extra");
    Catalog cat({{a, "--plugin-dir"}, {b, "[host] plugin_dirs"}});
    auto e = catch_error([&] { cat.get("test-countr"); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(
        msg(e),
        "no provider plugin named 'test-countr'; did you mean 'test-counter'? Searched: " + a +
            " (--plugin-dir), " + b + " ([host] plugin_dirs). See `latchkey providers list`.");
}

TEST_F(Plugins, ListingEveryCaseNeverCrashesAndNamesEachFile) {
    std::vector<SearchDir> dirs;
    for (const char* c : {"good", "not-a-library", "no-entry", "abi-major", "small-struct",
                          "duplicate", "name-mismatch", "throws", "extra"})
        dirs.push_back({plugin_case(c), "--plugin-dir"});
    Catalog cat(dirs);
    auto items = cat.list_all();
    std::map<std::string, std::string> refusals;
    int loaded = 0;
    for (auto& i : items) {
        if (i.provider)
            ++loaded;
        else
            refusals[i.path] = i.refusal;
    }
    // good, dup-one, wrong-name (listing does not check names), throws, extra
    EXPECT_EQ(loaded, 5);
    for (const char* f : {"not-a-library/junk.so", "no-entry/no-entry.so", "abi-major/abi-major.so",
                          "small-struct/small-struct.so", "duplicate/dup-two.so"}) {
        std::string path = plugin_case(f);
        ASSERT_TRUE(refusals.count(path)) << path;
        EXPECT_TRUE(contains(refusals[path], "plugin " + path + " refused: ")) << refusals[path];
    }
}

TEST_F(Plugins, DefaultSearchPathOrder) {
    env.set("LATCHKEY_PLUGIN_PATH", dir.file("env1") + ":" + dir.file("env2"));
    auto dirs = latchkey::provider::default_search_path({dir.file("flag")}, {"~/policy"});
    ASSERT_GE(dirs.size(), 5u);
    EXPECT_EQ(dirs[0].path, dir.file("flag"));
    EXPECT_EQ(dirs[0].origin, "--plugin-dir");
    EXPECT_EQ(dirs[1].path, dir.file("env1"));
    EXPECT_EQ(dirs[1].origin, "LATCHKEY_PLUGIN_PATH");
    EXPECT_EQ(dirs[2].path, dir.file("env2"));
    EXPECT_EQ(dirs[3].path, home.path() + "/policy");  // ~ expanded
    EXPECT_EQ(dirs[3].origin, "[host] plugin_dirs");
    EXPECT_EQ(dirs[4].path, home.path() + "/.local/lib/latchkey/providers");
    EXPECT_EQ(dirs[4].origin, "user dir");
    // The same directory reached twice (by another spelling, by a symlink)
    // is searched once.
    env.unset("LATCHKEY_PLUGIN_PATH");
    fs::create_directory(dir.file("x"));
    fs::create_directory_symlink(dir.file("x"), dir.file("link"));
    auto dup = latchkey::provider::default_search_path(
        {dir.file("x"), dir.file("x") + "/", dir.file("./x"), dir.file("link")}, {});
    EXPECT_EQ(dup[0].path, dir.file("x"));
    EXPECT_EQ(dup[1].origin, "user dir");
}

// ---------------------------------------------------------------- plugin exceptions

class Throwing : public Isolated {
 protected:
    std::shared_ptr<latchkey::HostImpl> host(const std::string& throw_in) {
        std::string text = "[storage]\nbackend = \"memory\"\n[sites.t]\nprovider = \"throws\"\n" +
                           (throw_in.empty() ? "" : "throw_in = \"" + throw_in + "\"\n");
        return open_host(dir.write("p.toml", text), &log, {}, latchkey::LogLevel::info,
                         {plugin_case("throws")});
    }
    LogCapture log;
};

TEST_F(Throwing, ConstructorThrowIsACleanError) {
    auto h = host("");
    auto e = catch_error([&] { h->site("t").tokens->token(); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "site 't' (provider throws): throws: constructor failed on purpose");
    // And again: no half-made instance was kept.
    auto e2 = catch_error([&] { h->site("t").tokens->token(); });
    EXPECT_EQ(msg(e2), msg(e));
}

TEST_F(Throwing, AcquireThrowingANonExceptionIsACleanError) {
    auto h = host("acquire");
    auto e = catch_error([&] { h->site("t").tokens->token(); });
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(msg(e), "site 't': unknown error in provider");
}

TEST_F(Throwing, ExpiredHookIsConsultedAndRefreshThrowIsClean) {
    // throws' expired() says every credential is stale, so the second use
    // must reach refresh(), which throws a std::string.
    auto h = host("refresh");
    auto& s = h->site("t");
    EXPECT_EQ(s.tokens->token().token(), "throws-token");
    auto e = catch_error([&] { s.tokens->token(); });
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_TRUE(contains(e.what(), "site 't'")) << e.what();
}

// ---------------------------------------------------------------- unloading

bool mapped(const std::string& path) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find(path) != std::string::npos) return true;
    return false;
}

// Bytes allocated and not freed. Under AddressSanitizer or ThreadSanitizer
// their allocator replaces malloc's, and mallinfo2 would count an arena
// nothing uses: the sanitizer counts instead.
size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return __sanitizer_get_current_allocated_bytes();
#else
    return mallinfo2().uordblks;
#endif
}

// A built-in provider carries its own C++ runtime. Loading and unloading it
// again and again (a program opening and closing hosts) does not grow the
// heap: the plugin frees what that runtime sets aside at load (about 70 KiB
// a time otherwise). A sanitizer build links the shared runtime instead; the
// same bound then checks that loading and unloading leaks nothing else.
TEST_F(Plugins, ABuiltInProviderLoadedAndUnloadedRepeatedlyLeavesTheHeapAsItWas) {
    // A private copy, so no other test's handle keeps it mapped.
    const std::string d = dir.file("builtin");
    fs::create_directories(d);
    ::chmod(d.c_str(), 0755);
    const std::string so = d + "/api-key.so";
    fs::copy_file(std::string(LATCHKEY_PROVIDER_DIR) + "/api-key.so", so);
    ::chmod(so.c_str(), 0755);

    EXPECT_EQ(load_provider(so)->name(), "api-key");  // whatever is set up once
    ASSERT_FALSE(mapped(so));
    const size_t before = heap_in_use();
    constexpr int kCycles = 40;
    for (int i = 0; i < kCycles; ++i) {
        auto p = load_provider(so);
        ASSERT_TRUE(mapped(so));
        p.reset();
        ASSERT_FALSE(mapped(so)) << "the plugin stayed mapped: this test would prove nothing";
    }
    const size_t after = heap_in_use();
    const size_t grown = after > before ? after - before : 0;
    EXPECT_LT(grown, size_t{kCycles} * 8 * 1024) << "heap grew by " << grown << " bytes";
}

TEST_F(Plugins, InstanceKeepsTheLibraryMappedUntilDestroyed) {
    // A private copy, so no other test's handle keeps it mapped.
    std::string d = dir.file("own");
    std::string so = copy_plugin(d, 0755);
    ::chmod(d.c_str(), 0755);
    std::string text =
        "[sites.t]\nprovider = \"test-counter\"\ncounter_file = \"" + dir.file("c") + "\"\n";
    std::string path = dir.write("p.toml", text);

    ASSERT_FALSE(mapped(so));
    auto provider = load_provider(so);
    ASSERT_TRUE(mapped(so));
    latchkey::policy::Policy pol = latchkey::policy::Policy::load(path);
    latchkey::policy::Resolver res(pol, latchkey::policy::Environment::from_process({}, false));
    latchkey::provider::Services services;
    services.log_sink = [](latchkey::LogLevel, const std::string&) {};
    auto inst = std::make_unique<latchkey::provider::ProviderInstance>(
        provider, res.resolve("t", provider->schema()), services);
    provider.reset();  // only the instance holds the library now
    EXPECT_TRUE(mapped(so));
    auto out = inst->acquire();
    EXPECT_EQ(out.status, LATCHKEY_OK);
    EXPECT_EQ(out.credential->token, "tok-1");
    inst.reset();
    EXPECT_FALSE(mapped(so)) << "the plugin stayed mapped after its last object was destroyed";

    // The same through a host: mapped while the host (and its instance) lives.
    {
        auto host = open_host(path, nullptr, {}, latchkey::LogLevel::info, {d});
        EXPECT_EQ(host->site("t").tokens->token().token(), "tok-2");
        EXPECT_TRUE(mapped(so));
    }
    EXPECT_FALSE(mapped(so));
}

}  // namespace
