// Storage plugins (sdk/include/latchkey/storage.h): the example
// directory-storage plugin passes the storage conformance suite; a plugin that
// fails gives a clear storage error naming its file and holding no secret; a
// plugin that returns garbage is reported and treated as absent; a plugin for
// another ABI is refused naming the file; the catalog lists storage plugins
// apart from providers; and through the Host, `[storage] backend =
// "directory-storage"` keeps a token that a second Host reuses.
#include <sys/stat.h>

#include <filesystem>
#include <latchkey/admin.hpp>

#include "provider/catalog.hpp"
#include "provider/loaded_provider.hpp"
#include "storage/plugin_storage.hpp"
#include "storage_conformance.hpp"
#include "unit_support.hpp"
#include "util/clock.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::provider::Catalog;
using latchkey::provider::PluginKind;
using latchkey::provider::load_storage_plugin;
using latchkey::storage::LoadedStoragePlugin;
using latchkey::storage::open_plugin_storage;
using latchkey::storage::Options;
using latchkey::storage::PluginServices;
using namespace lkt;
namespace fs = std::filesystem;

const std::string kProviderDir = LATCHKEY_PROVIDER_DIR;
const std::string kDirectoryStorageSo = kProviderDir + "/directory-storage.so";
const std::string kErrorSo = plugin_case("storage-error") + "/error-storage.so";
const std::string kGarbageSo = plugin_case("storage-garbage") + "/garbage-storage.so";
const std::string kAbiMajorSo = plugin_case("storage-abi-major") + "/abi-major-storage.so";

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}
std::string msg(const latchkey::Error& e) { return e.what(); }

latchkey::policy::ResolvedValue text_value(const std::string& text, bool secret = false) {
    latchkey::policy::ResolvedValue v;
    v.set = true;
    v.text = text;
    v.secret = secret;
    v.source = "test";
    return v;
}

CredentialData credential(const std::string& token) {
    CredentialData c;
    c.token = token;
    c.refresh_token = "rt-" + token;
    c.obtained_at_ms = latchkey::util::now_ms();
    c.expires_at_ms = c.obtained_at_ms + 3'600'000;
    return c;
}

// Warnings an open plugin storage reported.
struct Warnings {
    std::vector<std::string> lines;
    std::vector<std::pair<latchkey_log_level, std::string>> logged;  // the plugin's log()
    PluginServices services() {
        PluginServices s;
        s.warn = [this](const std::string& m) { lines.push_back(m); };
        s.log = [this](latchkey_log_level l, const std::string& m) { logged.emplace_back(l, m); };
        return s;
    }
    std::string all() const {
        std::string out;
        for (auto& l : lines) out += l + "\n";
        return out;
    }
};

bool printable(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

// ---------------------------------------------------------------- conformance

latchkey::test::TempDir& conformance_dir() {
    static latchkey::test::TempDir dir;
    return dir;
}

std::unique_ptr<latchkey::storage::Storage> open_directory_storage() {
    static auto plugin = load_storage_plugin(kDirectoryStorageSo);
    Options o;
    o["dir"] = text_value(conformance_dir().file("store"));
    return open_plugin_storage(plugin, o, {});
}

}  // namespace

namespace latchkey::test {
INSTANTIATE_TEST_SUITE_P(Plugin, StorageConformance,
                         ::testing::Values(ConformanceBackend{
                             "directory_storage", [] { return open_directory_storage(); }}),
                         [](const auto& info) { return info.param.name; });
}  // namespace latchkey::test

namespace {

// ---------------------------------------------------------------- loading

class StoragePlugin : public Isolated {};

TEST_F(StoragePlugin, LoadsTheExampleWithItsSchema) {
    auto p = load_storage_plugin(kDirectoryStorageSo);
    EXPECT_EQ(p->name(), "directory-storage");
    EXPECT_EQ(p->path(), kDirectoryStorageSo);
    ASSERT_EQ(p->schema().size(), 1u);
    EXPECT_EQ(p->schema()[0].key, "dir");
    EXPECT_TRUE(p->schema()[0].required);
    EXPECT_EQ(p->descriptor().abi_major, LATCHKEY_STORAGE_ABI_MAJOR);
}

TEST_F(StoragePlugin, AbiMajorMismatchIsRefusedNamingTheFile) {
    auto e = catch_error([&] { load_storage_plugin(kAbiMajorSo); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_EQ(msg(e), "plugin " + kAbiMajorSo +
                          " refused: built for storage ABI 2.0, this host speaks ABI 1.0; rebuild "
                          "it against this SDK");
}

TEST_F(StoragePlugin, EachLoaderRefusesTheOtherKindSayingWhatItIs) {
    auto e = catch_error([&] { latchkey::provider::load_provider(kDirectoryStorageSo); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(msg(e), "plugin " + kDirectoryStorageSo +
                                     " refused: no entry point latchkey_provider_v1: it is a "
                                     "storage plugin (it exports latchkey_storage_v1)"))
        << msg(e);
    auto e2 = catch_error([&] { load_storage_plugin(kCounterSo); });
    EXPECT_TRUE(contains(msg(e2), "plugin " + kCounterSo +
                                      " refused: no entry point latchkey_storage_v1: it is a "
                                      "provider (it exports latchkey_provider_v1)"))
        << msg(e2);
    // The other checks are the providers' own: a text file is no library.
    std::string junk = plugin_case("not-a-library") + "/junk.so";
    auto e3 = catch_error([&] { load_storage_plugin(junk); });
    EXPECT_EQ(msg(e3), "plugin " + junk + " refused: not a shared library (no ELF header)");
}

TEST_F(StoragePlugin, WritableByOthersIsRefusedLikeAProvider) {
    std::string d = dir.file("open");
    fs::create_directories(d);
    std::string so = d + "/directory-storage.so";
    fs::copy_file(kDirectoryStorageSo, so);
    ::chmod(so.c_str(), 0755);
    ::chmod(d.c_str(), 0777);
    auto e = catch_error([&] { load_storage_plugin(so); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    EXPECT_TRUE(contains(msg(e), "plugin " + so + " refused: its directory " + d)) << msg(e);
    EXPECT_TRUE(contains(msg(e), "writable by group or others")) << msg(e);
    ::chmod(d.c_str(), 0700);
}

// ---------------------------------------------------------------- errors and garbage

TEST_F(StoragePlugin, ErrorsNameThePluginFileAndHoldNoSecret) {
    auto p = load_storage_plugin(kErrorSo);
    const std::string password = "pw-Unit-storage-9q";
    Options o;
    o["password"] = text_value(password, true);
    o["fail_open"] = text_value("false");
    Warnings w;
    auto s = open_plugin_storage(p, o, w.services());
    const std::string who = "storage plugin 'error-storage' (" + kErrorSo + ")";

    auto load = catch_error([&] { s->load("site.0123456789abcdef"); });
    EXPECT_EQ(load.kind(), ErrorKind::storage);
    EXPECT_EQ(msg(load), who +
                             ": cannot read 'site.0123456789abcdef': vault at 10.9.9.9 refused "
                             "login with password ****  [31m(retry); the store is unreachable for "
                             "now; try again later");

    // The plugin echoes the document it was given; the token never shows.
    auto c = credential("tok-Unit-storage-plugin-7Hq");
    auto save = catch_error([&] { s->save("site.0123456789abcdef", c); });
    EXPECT_EQ(save.kind(), ErrorKind::storage);
    EXPECT_EQ(
        msg(save).rfind(who + ": cannot save 'site.0123456789abcdef': document rejected: ", 0), 0u)
        << msg(save);
    EXPECT_FALSE(contains(msg(save), c.token)) << msg(save);
    EXPECT_FALSE(contains(msg(save), c.refresh_token)) << msg(save);
    EXPECT_TRUE(contains(msg(save), "`latchkey storage check`")) << msg(save);

    auto lock = catch_error([&] { s->lock("site.0123456789abcdef"); });
    EXPECT_EQ(msg(lock), who +
                             ": cannot lock 'site.0123456789abcdef': lock service unreachable; "
                             "the store is unreachable for now; try again later");
    auto erase = catch_error([&] { s->erase("site.0123456789abcdef"); });
    EXPECT_TRUE(contains(msg(erase), who + ": cannot erase 'site.0123456789abcdef': erase is not "
                                           "allowed"))
        << msg(erase);
    // No message and a status that is none.
    auto keys = catch_error([&] { s->keys(); });
    EXPECT_TRUE(contains(msg(keys), who + ": cannot list the stored keys: failed without a "
                                          "message (unknown status 42)"))
        << msg(keys);
    auto check = catch_error([&] { s->check(); });
    EXPECT_EQ(check.kind(), ErrorKind::storage);
    for (auto* e : {&load, &save, &lock, &erase, &keys, &check}) {
        EXPECT_FALSE(contains(msg(*e), password)) << msg(*e);
        EXPECT_TRUE(printable(msg(*e))) << msg(*e);
    }
    // A key the host would never make is refused before the plugin sees it.
    auto bad = catch_error([&] { s->load("../etc/passwd"); });
    EXPECT_TRUE(contains(msg(bad), "'../etc/passwd' is not a storage key")) << msg(bad);
    EXPECT_TRUE(w.lines.empty()) << w.all();
}

TEST_F(StoragePlugin, OpenFailureIsAConfigErrorNamingTheTable) {
    auto p = load_storage_plugin(kErrorSo);
    Options o;
    o["fail_open"] = text_value("true");
    auto e = catch_error([&] { open_plugin_storage(p, o, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(msg(e), "storage plugin 'error-storage' (" + kErrorSo +
                          "): cannot open the store: bucket 'tokens' does not exist; check "
                          "[storage.error-storage] in the policy");
}

TEST_F(StoragePlugin, GarbageIsReportedAndTreatedAsAbsent) {
    auto p = load_storage_plugin(kGarbageSo);
    const std::string who = "storage plugin 'garbage-storage' (" + kGarbageSo + ")";
    struct Case {
        std::string garbage, reason;
    };
    for (const Case& c : {Case{"bytes", "not JSON"}, Case{"json", "not a latchkey credential"},
                          Case{"huge", "the document is larger than 1048576 bytes"}}) {
        Options o;
        o["garbage"] = text_value(c.garbage);
        Warnings w;
        auto s = open_plugin_storage(p, o, w.services());
        EXPECT_FALSE(s->load("site.0123456789abcdef").has_value()) << c.garbage;
        ASSERT_EQ(w.lines.size(), 1u) << w.all();
        EXPECT_EQ(w.lines[0].rfind("ignoring stored credential 'site.0123456789abcdef' from " +
                                       who + ": " + c.reason,
                                   0),
                  0u)
            << w.lines[0];
        EXPECT_TRUE(contains(w.lines[0], "; a new one will be fetched")) << w.lines[0];
        EXPECT_TRUE(printable(w.lines[0])) << w.lines[0];
    }
    Options o;
    Warnings w;
    auto s = open_plugin_storage(p, o, w.services());
    // Names that are not keys are dropped (and counted), never used.
    EXPECT_EQ(s->keys(), (std::vector<std::string>{"good.0123456789abcdef"}));
    ASSERT_EQ(w.lines.size(), 1u) << w.all();
    EXPECT_EQ(w.lines[0], who + ": ignoring 4 listed name(s) that are not storage keys");
    // The plugin's log line arrives at a level that exists, on one line.
    ASSERT_EQ(w.logged.size(), 1u);
    EXPECT_EQ(w.logged[0].first, LATCHKEY_LOG_ERROR);
    EXPECT_EQ(w.logged[0].second, "storage garbage-storage: opened with a log level that is none");
    // A location with control bytes comes out as one printable line.
    EXPECT_EQ(s->location(), "[31mred vault://10.9.9.9");
    // Without a check function the host probes with list.
    EXPECT_EQ(s->check(), "garbage-storage (storage plugin " + kGarbageSo + "): 1 stored");
}

// ---------------------------------------------------------------- the catalog

TEST_F(StoragePlugin, CatalogListsStoragePluginsApartFromProviders) {
    Catalog cat({{kProviderDir, "--plugin-dir"},
                 {plugin_case("storage-garbage"), "--plugin-dir"},
                 {plugin_case("storage-abi-major"), "--plugin-dir"},
                 {kGoodDir, "--plugin-dir"}});
    std::map<std::string, const latchkey::provider::ListedPlugin*> by_name;
    auto items = cat.list_all();
    for (auto& i : items) by_name[fs::path(i.path).filename().string()] = &i;

    auto* ds = by_name["directory-storage.so"];
    ASSERT_TRUE(ds);
    EXPECT_FALSE(ds->refused()) << ds->refusal;
    EXPECT_EQ(ds->kind, PluginKind::storage);
    ASSERT_TRUE(ds->storage);
    EXPECT_FALSE(ds->provider);
    EXPECT_EQ(ds->declared_name, "directory-storage");
    auto* gs = by_name["garbage-storage.so"];
    ASSERT_TRUE(gs);
    EXPECT_EQ(gs->kind, PluginKind::storage);
    EXPECT_FALSE(gs->refused()) << gs->refusal;
    auto* tc = by_name["test-counter.so"];
    ASSERT_TRUE(tc);
    EXPECT_EQ(tc->kind, PluginKind::provider);
    ASSERT_TRUE(tc->provider);
    auto* am = by_name["abi-major-storage.so"];
    ASSERT_TRUE(am);
    EXPECT_TRUE(am->refused());
    EXPECT_TRUE(
        contains(am->refusal, "plugin " + kAbiMajorSo + " refused: built for storage ABI 2"))
        << am->refusal;

    // Finding by name keeps the kinds apart.
    EXPECT_EQ(cat.get_storage("directory-storage")->path(), kDirectoryStorageSo);
    EXPECT_EQ(cat.get_storage("directory-storage"), ds->storage);  // loaded once
    auto e = catch_error([&] { cat.get("directory-storage"); });
    EXPECT_TRUE(contains(msg(e), "it is a storage plugin")) << msg(e);
    auto e2 = catch_error([&] { cat.get_storage("test-counter"); });
    EXPECT_TRUE(contains(msg(e2), "it is a provider")) << msg(e2);
    std::vector<std::string> available;
    EXPECT_EQ(cat.get_storage("tape", &available), nullptr);
    EXPECT_NE(std::find(available.begin(), available.end(), "directory-storage"), available.end());
    // A provider name never resolves to a storage plugin, nor the reverse.
    auto e3 = catch_error([&] { cat.get("garbage-storag"); });
    EXPECT_FALSE(contains(msg(e3), "did you mean 'garbage-storage'")) << msg(e3);
}

// ---------------------------------------------------------------- through the Host

class StoragePluginHost : public Isolated {
 protected:
    std::string policy(const std::string& storage) {
        return dir.write("p.toml", storage + "[sites.tc]\nprovider = \"test-counter\"\n" +
                                       "counter_file = \"" + dir.file("count") + "\"\n");
    }
    latchkey::HostOptions options(const std::string& path) {
        latchkey::HostOptions o;
        o.config_path = path;
        o.plugin_dirs = {kProviderDir, kGoodDir};
        o.log_sink = log.sink();
        o.log_level = latchkey::LogLevel::info;
        return o;
    }
    LogCapture log;
};

TEST_F(StoragePluginHost, StoresAndReusesATokenAcrossHosts) {
    std::string store = dir.file("tokens");
    std::string path = policy(
        "[storage]\nbackend = \"directory-storage\"\n"
        "[storage.directory-storage]\ndir = \"" +
        store + "\"\n");
    {
        auto host = latchkey::Host::open(options(path));
        EXPECT_EQ(host.token("tc").token(), "tok-1");
        auto site = latchkey::admin::Admin::of(host).describe("tc");
        EXPECT_EQ(site.storage, "directory-storage");
        EXPECT_EQ(site.storage_location, store);
    }
    EXPECT_EQ(counter(dir.file("count")), 1);
    // The plugin keeps it as a private file in the configured directory.
    std::vector<std::string> files;
    for (auto& e : fs::directory_iterator(store))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    ASSERT_EQ(files.size(), 1u);
    struct stat st {};
    ASSERT_EQ(::stat(files[0].c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(store.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    // A second host, as another process would be, reuses it: no acquire.
    auto again = latchkey::Host::open(options(path));
    EXPECT_EQ(again.token("tc").token(), "tok-1");
    EXPECT_EQ(counter(dir.file("count")), 1);
    for (auto& [level, line] : log.lines())
        EXPECT_LT(static_cast<int>(level), static_cast<int>(latchkey::LogLevel::warn)) << line;

    // logout erases it from the plugin's store.
    auto admin = latchkey::admin::Admin::of(again);
    admin.logout("tc");
    EXPECT_FALSE(admin.stored("tc").has_value());
}

TEST_F(StoragePluginHost, SiteStorageAndEnvironmentChooseAndConfigureThePlugin) {
    // A site's `storage`, with the option from LATCHKEY_DIRECTORY_STORAGE_DIR.
    std::string store = dir.file("env-tokens");
    env.set("LATCHKEY_DIRECTORY_STORAGE_DIR", store);
    std::string path = policy("");
    std::string text = read_file(path) + "storage = \"directory-storage\"\n";
    path = dir.write("p.toml", text);
    auto host = latchkey::Host::open(options(path));
    EXPECT_EQ(host.token("tc").token(), "tok-1");
    EXPECT_EQ(latchkey::admin::Admin::of(host).describe("tc").storage_location, store);
}

TEST_F(StoragePluginHost, OptionsAreCheckedAgainstThePluginSchema) {
    std::string text =
        "[storage]\nbackend = \"directory-storage\"\n"
        "[storage.directory-storage]\ndirr = \"/tmp/x\"\n";
    std::string path = policy(text);
    auto e = catch_error([&] { latchkey::Host::open(options(path)).token("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(msg(e),
                         "unknown key 'dirr' in [storage.directory-storage]; did you mean "
                         "'dir'?"))
        << msg(e);

    path = policy("[storage]\nbackend = \"directory-storage\"\n");
    auto e2 = catch_error([&] { latchkey::Host::open(options(path)).token("tc"); });
    EXPECT_EQ(e2.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(msg(e2),
                         "option 'dir' is required; set it in [storage.directory-storage] "
                         "or export LATCHKEY_DIRECTORY_STORAGE_DIR"))
        << msg(e2);
}

TEST_F(StoragePluginHost, FailingPluginStopsTheSiteNamingTheFileWithoutTheSecret) {
    const std::string password = "pw-Unit-host-storage-4k";
    std::string text =
        "[storage]\nbackend = \"error-storage\"\n"
        "[storage.error-storage]\npassword = \"" +
        password + "\"\n";
    std::string path = policy(text);
    auto o = options(path);
    o.plugin_dirs = {plugin_case("storage-error"), kGoodDir};
    auto host = latchkey::Host::open(o);
    auto e = catch_error([&] { host.token("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(msg(e), "storage plugin 'error-storage' (" + kErrorSo + ")")) << msg(e);
    EXPECT_FALSE(contains(msg(e), password)) << msg(e);
    EXPECT_FALSE(log.contains(password)) << log.all();
}

TEST_F(StoragePluginHost, GarbageStoreIsWarnedAboutAndTokensStillFlow) {
    std::string path = policy("[storage]\nbackend = \"garbage-storage\"\n");
    auto o = options(path);
    o.plugin_dirs = {plugin_case("storage-garbage"), kGoodDir};
    auto host = latchkey::Host::open(o);
    EXPECT_EQ(host.token("tc").token(), "tok-1");
    EXPECT_EQ(host.token("tc").token(), "tok-1");  // served from memory
    EXPECT_TRUE(log.contains("ignoring stored credential")) << log.all();
    EXPECT_TRUE(log.contains("storage plugin 'garbage-storage' (" + kGarbageSo + "): not JSON"))
        << log.all();
}

TEST_F(StoragePluginHost, RefusedStoragePluginIsNamedWithWhereItWasChosen) {
    std::string text = "[storage]\nbackend = \"abi-major-storage\"\n";
    std::string path = policy(text);
    auto o = options(path);
    o.plugin_dirs = {plugin_case("storage-abi-major"), kGoodDir};
    auto e = catch_error([&] { latchkey::Host::open(o).token("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::plugin);
    std::string full = read_file(path);
    EXPECT_EQ(msg(e), where_value(path, full, "backend = \"abi-major-storage\"") +
                          ": storage backend 'abi-major-storage': plugin " + kAbiMajorSo +
                          " refused: built for storage ABI 2.0, this host speaks ABI 1.0; "
                          "rebuild it against this SDK");
}

TEST_F(StoragePluginHost, UnknownBackendSaysWhereItLooked) {
    std::string path = policy("[storage]\nbackend = \"tape\"\n");
    auto e = catch_error([&] { latchkey::Host::open(options(path)).token("tc"); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(msg(e), "storage: unknown backend 'tape' (built in: memory, file"))
        << msg(e);
    EXPECT_TRUE(contains(msg(e), "(storage plugins: directory-storage)")) << msg(e);
    EXPECT_TRUE(contains(msg(e), "no storage plugin tape.so in: " + kProviderDir +
                                     " (--plugin-dir), " + kGoodDir + " (--plugin-dir)"))
        << msg(e);
    // A near miss of a storage plugin's name is suggested.
    path = policy("[storage]\nbackend = \"directory-storag\"\n");
    auto e2 = catch_error([&] { latchkey::Host::open(options(path)).token("tc"); });
    EXPECT_TRUE(contains(msg(e2), "did you mean 'directory-storage'?")) << msg(e2);
}

}  // namespace
