// Token storage: the file store's permissions, atomic writes, corruption
// handling and locks; the memory store; the storage key's identity hash.
#include <sys/stat.h>

#include <atomic>
#include <latchkey/admin.hpp>

#include "storage/file_storage.hpp"
#include "storage/memory_storage.hpp"
#include "storage/record_json.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::storage::FileStorage;
using latchkey::storage::MemoryStorage;
using latchkey::storage::Storage;
using namespace lkt;
namespace fs = std::filesystem;

unsigned mode_of(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0xffff;
    return st.st_mode & 07777;
}

CredentialData sample(const std::string& token = "tok-abc") {
    CredentialData c;
    c.token = token;
    c.token_type = "AnaplanAuthToken";
    c.header_name = "X-Auth";
    c.refresh_token = "rt-1";
    c.expires_at_ms = 1'900'000'000'000;
    c.obtained_at_ms = 1'800'000'000'000;
    c.extras = {{"instance_url", "https://na1.example.com"}, {"via", "acquire"}};
    return c;
}

void expect_same(const CredentialData& a, const CredentialData& b) {
    EXPECT_EQ(a.token, b.token);
    EXPECT_EQ(a.token_type, b.token_type);
    EXPECT_EQ(a.header_name, b.header_name);
    EXPECT_EQ(a.refresh_token, b.refresh_token);
    EXPECT_EQ(a.expires_at_ms, b.expires_at_ms);
    EXPECT_EQ(a.obtained_at_ms, b.obtained_at_ms);
    EXPECT_EQ(a.extras, b.extras);
}

std::vector<std::string> listing(const std::string& d) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

class FileStore : public Isolated {
 protected:
    std::vector<std::string> warnings;
    latchkey::storage::Warn warn() {
        return [this](const std::string& m) { warnings.push_back(m); };
    }
};

TEST_F(FileStore, CreatesItsDirectory0700AndFiles0600) {
    std::string d = dir.file("state/latchkey");  // the parent does not exist either
    FileStorage st(d, warn());
    st.save("site.0123456789abcdef", sample());
    EXPECT_EQ(mode_of(d), 0700u);
    EXPECT_EQ(mode_of(d + "/site.0123456789abcdef.json"), 0600u);
    auto back = st.load("site.0123456789abcdef");
    ASSERT_TRUE(back);
    expect_same(*back, sample());
    EXPECT_TRUE(warnings.empty());
    EXPECT_FALSE(st.load("other"));
}

TEST_F(FileStore, ModesHoldWhateverTheUmask) {
    mode_t old = umask(0);
    std::string d = dir.file("loose");
    FileStorage st(d, warn());
    st.save("k", sample());
    { auto l = st.lock("k"); }
    umask(old);
    EXPECT_EQ(mode_of(d), 0700u);
    EXPECT_EQ(mode_of(d + "/k.json"), 0600u);
    EXPECT_EQ(mode_of(d + "/k.lock"), 0600u);
}

TEST_F(FileStore, RefusesADirectoryOpenToOthers) {
    std::string d = dir.file("open");
    fs::create_directory(d);
    ::chmod(d.c_str(), 0755);
    FileStorage st(d, warn());
    auto e = catch_error([&] { st.load("k"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_EQ(std::string(e.what()), "the token store " + d +
                                         " has mode 0755, open to other users; run "
                                         "`chmod 700 " +
                                         d + "` (latchkey refuses to use it until then)");
    // Nothing was written into it either.
    catch_error([&] { st.save("k", sample()); });
    EXPECT_TRUE(listing(d).empty());
}

TEST_F(FileStore, RefusesATokenFileReadableByOthers) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    st.save("k", sample());
    std::string f = d + "/k.json";
    ::chmod(f.c_str(), 0644);
    auto e = catch_error([&] { st.load("k"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_EQ(std::string(e.what()), "stored credential " + f +
                                         " has mode 0644, readable by other users; "
                                         "run `chmod 600 " +
                                         f + "` (or `latchkey logout` to drop it)");
}

TEST_F(FileStore, CorruptedRecordIsReportedAndTreatedAsAbsent) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    st.save("k", sample());
    dir.write("store/k.json", "{\"format\": \"latchkey-credential\", \"vers", 0600);
    EXPECT_FALSE(st.load("k"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].rfind("ignoring stored credential " + d + "/k.json: not JSON (", 0), 0u)
        << warnings[0];
    EXPECT_NE(warnings[0].find("a new one will be fetched"), std::string::npos);
    // Overwritten by the next save.
    st.save("k", sample("tok-new"));
    ASSERT_TRUE(st.load("k"));
    EXPECT_EQ(st.load("k")->token, "tok-new");
}

TEST_F(FileStore, RecordFromANewerVersionIsReportedAndTreatedAsAbsent) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    st.save("k", sample());
    dir.write(
        "store/k.json",
        "{\"format\":\"latchkey-credential\",\"version\":2,\"token\":\"t\",\"expires_at_ms\":0}",
        0600);
    EXPECT_FALSE(st.load("k"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0],
              "ignoring stored credential " + d +
                  "/k.json: written by another latchkey "
                  "version (format version 2, this one reads 1); a new one will be fetched");
}

TEST_F(FileStore, OtherMalformedRecords) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    st.save("k", sample());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[1, 2]", "not a latchkey credential"},
        {"{\"format\":\"latchkey-credential\",\"version\":1}", "the token is missing"},
        {"{\"format\":\"latchkey-credential\",\"version\":1,\"token\":5}", "wrong type"},
        {"{\"format\":\"latchkey-credential\",\"version\":1,\"token\":\"t\",\"extras\":[]}",
         "extras is not an object"},
        {"", "not JSON"},
    };
    for (auto& [text, why] : cases) {
        warnings.clear();
        dir.write("store/k.json", text, 0600);
        EXPECT_FALSE(st.load("k")) << text;
        ASSERT_EQ(warnings.size(), 1u) << text;
        EXPECT_NE(warnings[0].find(why), std::string::npos) << warnings[0];
    }
}

TEST_F(FileStore, SaveLeavesNoTemporaryFileBehind) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    for (int i = 0; i < 20; ++i) st.save("k", sample("tok-" + std::to_string(i)));
    st.save("j", sample());
    EXPECT_EQ(listing(d), (std::vector<std::string>{"j.json", "k.json"}));
    EXPECT_EQ(st.load("k")->token, "tok-19");
    // A reader never sees half a file while writers replace it.
    std::atomic<bool> stop{false};
    std::atomic<int> bad{0};
    std::thread reader([&] {
        FileStorage r(d, [&](const std::string&) { ++bad; });
        while (!stop) {
            auto c = r.load("k");
            if (!c) ++bad;
        }
    });
    for (int i = 0; i < 200; ++i) st.save("k", sample("tok-" + std::to_string(i)));
    stop = true;
    reader.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(listing(d), (std::vector<std::string>{"j.json", "k.json"}));
}

TEST_F(FileStore, EraseAndKeys) {
    std::string d = dir.file("store");
    FileStorage st(d, warn());
    st.save("a.1", sample());
    st.save("b.2", sample());
    { auto l = st.lock("a.1"); }
    auto keys = st.keys();
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"a.1", "b.2"}));  // no lock files
    st.erase("a.1");
    EXPECT_FALSE(st.load("a.1"));
    st.erase("a.1");  // erasing twice is fine
    EXPECT_EQ(st.keys(), (std::vector<std::string>{"b.2"}));
}

// `lock` must exclude a second locker of the same key until released.
void expect_lock_excludes(Storage& st) {
    auto first = st.lock("k");
    std::atomic<bool> acquired{false};
    std::thread second([&] {
        auto l = st.lock("k");
        acquired = true;
    });
    // Another key is independent.
    { auto other = st.lock("other"); }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(acquired.load()) << st.name()
                                  << ": the second locker got in while the first held it";
    first.reset();
    EXPECT_TRUE(wait_for([&] { return acquired.load(); }, 5000))
        << st.name() << ": the second locker never got the released lock";
    second.join();
}

TEST_F(FileStore, LockExcludesASecondLocker) {
    FileStorage st(dir.file("store"), warn());
    expect_lock_excludes(st);
}

TEST(MemoryStore, RoundTripEraseKeysAndLock) {
    MemoryStorage st;
    EXPECT_EQ(st.name(), "memory");
    EXPECT_FALSE(st.load("k"));
    st.save("k", sample());
    auto back = st.load("k");
    ASSERT_TRUE(back);
    expect_same(*back, sample());
    st.save("k", sample("tok-2"));
    EXPECT_EQ(st.load("k")->token, "tok-2");
    EXPECT_EQ(st.keys(), (std::vector<std::string>{"k"}));
    st.erase("k");
    EXPECT_FALSE(st.load("k"));
    EXPECT_TRUE(st.keys().empty());
    expect_lock_excludes(st);
}

TEST(RecordJson, RoundTripAndDefaults) {
    std::string err;
    auto back = latchkey::storage::from_json(latchkey::storage::to_json(sample()), err);
    ASSERT_TRUE(back) << err;
    expect_same(*back, sample());
    // Minimal record: defaults for what is missing.
    auto min = latchkey::storage::from_json(
        "{\"format\":\"latchkey-credential\",\"version\":1,\"token\":\"t\"}", err);
    ASSERT_TRUE(min) << err;
    EXPECT_EQ(min->header_name, "Authorization");
    EXPECT_EQ(min->expires_at_ms, 0);
    // Strings with quotes and control characters survive.
    auto odd = sample("a\"b\\c\nd");
    auto back2 = latchkey::storage::from_json(latchkey::storage::to_json(odd), err);
    ASSERT_TRUE(back2) << err;
    EXPECT_EQ(back2->token, "a\"b\\c\nd");
}

// ---------------------------------------------------------------- through the host

class StoreThroughHost : public Isolated {
 protected:
    std::string policy(const std::string& storage_lines, const std::string& site_lines,
                       const std::string& name = "policy.toml") {
        return dir.write(name,
                         storage_lines + "[sites.t]\nprovider = \"test-counter\"\n" + site_lines);
    }
};

TEST_F(StoreThroughHost, DefaultFileStoreLivesUnderXdgStateHome) {
    std::string count = dir.file("count");
    std::string p = policy("[storage]\nbackend = \"file\"\n", "counter_file = \"" + count + "\"\n");
    std::string key;
    {
        auto host = open_host(p);
        auto& s = host->site("t");
        key = s.tokens->storage_key();
        EXPECT_EQ(s.tokens->token().token(), "tok-1");
    }
    std::string d = home.file("state") + "/latchkey";
    EXPECT_EQ(mode_of(d), 0700u);
    EXPECT_EQ(mode_of(d + "/" + key + ".json"), 0600u);
    // Another host (as another process would) reads it instead of fetching.
    auto again = open_host(p);
    EXPECT_EQ(again->site("t").tokens->token().token(), "tok-1");
    EXPECT_EQ(counter(count), 1);
}

TEST_F(StoreThroughHost, LibraryDefaultsToMemoryTheCommandLineToFile) {
    std::string count = dir.file("count");
    std::string p = policy("", "counter_file = \"" + count + "\"\n");
    std::string state = home.file("state") + "/latchkey";
    {
        latchkey::HostOptions o;
        o.config_path = p;
        o.plugin_dirs = {kGoodDir};
        auto host = latchkey::Host::open(o);  // an application
        EXPECT_EQ(host.token("t").token(), "tok-1");
        EXPECT_EQ(latchkey::admin::Admin::of(host).describe("t").storage, "memory");
        EXPECT_FALSE(fs::exists(state)) << "the library wrote a token to disk unasked";
    }
    {
        latchkey::HostOptions o;
        o.config_path = p;
        o.plugin_dirs = {kGoodDir};
        auto impl = std::make_shared<latchkey::HostImpl>(o);  // as the CLI does: no storage given
        auto& s = impl->site("t");
        EXPECT_EQ(s.tokens->storage_name(), "file");
        EXPECT_EQ(s.tokens->token().token(), "tok-2");
        EXPECT_TRUE(fs::exists(state + "/" + s.tokens->storage_key() + ".json"));
    }
}

TEST_F(StoreThroughHost, StoragePathExpandsHome) {
    TempDir cwd_dir;
    CwdGuard cwd(cwd_dir.path());  // a literal "~" directory would land here
    std::string p = policy("[storage]\nbackend = \"file\"\npath = \"~/tokens\"\n",
                           "counter_file = \"" + dir.file("count") + "\"\n");
    auto host = open_host(p);
    auto& s = host->site("t");
    EXPECT_EQ(s.tokens->token().token(), "tok-1");
    EXPECT_TRUE(fs::exists(home.file("tokens") + "/" + s.tokens->storage_key() + ".json"));
    EXPECT_FALSE(fs::exists(cwd_dir.file("~"))) << "a literal ~ directory in the current one";
}

TEST_F(StoreThroughHost, CorruptedStoredCredentialIsOverwrittenByTheNextFetch) {
    std::string d = dir.file("tokens");
    std::string count = dir.file("count");
    std::string p = policy("[storage]\nbackend = \"file\"\npath = \"" + d + "\"\n",
                           "counter_file = \"" + count + "\"\n");
    LogCapture log;
    auto host = open_host(p, &log, {}, latchkey::LogLevel::warn);
    auto& s = host->site("t");
    fs::create_directory(d);
    ::chmod(d.c_str(), 0700);
    std::string file = dir.write("tokens/" + s.tokens->storage_key() + ".json", "garbage{", 0600);
    EXPECT_EQ(s.tokens->token().token(), "tok-1");
    EXPECT_TRUE(log.contains("ignoring stored credential " + file + ": not JSON")) << log.all();
    std::string err;
    auto now = latchkey::storage::from_json(read_file(file), err);
    ASSERT_TRUE(now) << err;
    EXPECT_EQ(now->token, "tok-1");
}

TEST_F(StoreThroughHost, LaxTokenStoreIsAStorageErrorForTheCaller) {
    std::string d = dir.file("tokens");
    fs::create_directory(d);
    ::chmod(d.c_str(), 0750);
    std::string p = policy("[storage]\nbackend = \"file\"\npath = \"" + d + "\"\n",
                           "counter_file = \"" + dir.file("count") + "\"\n");
    auto host = open_host(p);
    auto e = catch_error([&] { host->site("t").tokens->token(); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(std::string(e.what()).find("run `chmod 700 " + d + "`"), std::string::npos)
        << e.what();
    EXPECT_EQ(counter(dir.file("count")), 0);  // refused before asking the provider
}

TEST_F(StoreThroughHost, IdentityOptionsChangeTheStorageKeyOthersDoNot) {
    std::string a = dir.file("a"), b = dir.file("b");
    auto key_of = [&](const std::string& lines, const std::string& name) {
        auto host = open_host(policy("[storage]\nbackend = \"memory\"\n", lines, name));
        return host->site("t").tokens->storage_key();
    };
    std::string base = key_of("counter_file = \"" + a + "\"\n", "1.toml");
    std::string other_identity = key_of("counter_file = \"" + b + "\"\n", "2.toml");
    std::string other_delay = key_of("counter_file = \"" + a + "\"\ndelay_ms = 5\n", "3.toml");
    std::string other_lifetime =
        key_of("counter_file = \"" + a + "\"\nlifetime = \"10s\"\n", "4.toml");
    EXPECT_EQ(base.rfind("t.", 0), 0u) << base;
    EXPECT_EQ(base.size(), 2u + 16u) << base;
    EXPECT_NE(base, other_identity);
    EXPECT_EQ(base, other_delay);
    EXPECT_EQ(base, other_lifetime);
    // The identity comes from wherever the value came from.
    env.set("LATCHKEY_COUNTER_FILE", b);
    EXPECT_EQ(key_of("counter_file = \"" + a + "\"\n", "5.toml"), other_identity);
}

TEST_F(StoreThroughHost, AChangedIdentityNeverReusesAnotherIdentitysToken) {
    std::string d = dir.file("tokens");
    std::string a = dir.file("a"), b = dir.file("b");
    std::string storage = "[storage]\nbackend = \"file\"\npath = \"" + d + "\"\n";
    {
        auto host = open_host(policy(storage, "counter_file = \"" + a + "\"\n", "a.toml"));
        EXPECT_EQ(host->site("t").tokens->token().token(), "tok-1");
    }
    {
        // Same identity, other non-identity settings: the stored token is used.
        auto host =
            open_host(policy(storage, "counter_file = \"" + a + "\"\ndelay_ms = 1\n", "a2.toml"));
        EXPECT_EQ(host->site("t").tokens->token().token(), "tok-1");
        EXPECT_EQ(counter(a), 1);
    }
    {
        // Another identity: its own provider call.
        auto host = open_host(policy(storage, "counter_file = \"" + b + "\"\n", "b.toml"));
        EXPECT_EQ(host->site("t").tokens->token().token(), "tok-1");
        EXPECT_EQ(counter(b), 1);
        EXPECT_EQ(counter(a), 1);
    }
}

}  // namespace
