// The keyring backend against a real Secret Service: gnome-keyring-daemon in
// a private `dbus-run-session`, its HOME and XDG directories in a temporary
// directory (the user's own keyring is never touched), unlocked with a test
// password. gnome-keyring creates the "login" collection from that password
// and points the "default" alias at it, so nothing has to be created by hand
// and nothing prompts. One such keyring serves the tests of a process; it is
// started on first use and stopped when the tests end. Tests that need a
// locked keyring, or a session bus without any Secret Service, start their
// own.
//
// The tools come from Debian's dbus and gnome-keyring packages (tools/setup
// installs them); without them these tests fail and say so.
#include <libsecret/secret.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "process.hpp"
#include "storage/file_storage.hpp"
#include "storage/keyring_storage.hpp"
#include "storage/record_json.hpp"
#include "storage_conformance.hpp"
#include "unit_support.hpp"
#include "util/clock.hpp"
#include "crypto/primitives.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::storage::KeyringStorage;
using latchkey::storage::Storage;
using latchkey::test::Child;
using latchkey::test::ConformanceBackend;
using latchkey::test::RunOptions;
using latchkey::test::StorageConformance;
using namespace lkt;

const char* const kPassword = "test-password";

// ---- starting and stopping Secret Services ------------------------------------

// The absolute path of `name` on PATH; throws naming the package when absent.
std::string tool(const std::string& name, const std::string& package) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string p = (dir.empty() ? "." : dir) + "/" + name;
        if (access(p.c_str(), X_OK) == 0) return p;
    }
    throw std::runtime_error("the keyring tests need `" + name + "` (Debian package " + package +
                             "), which is not installed; run tools/setup");
}

// A session bus of its own, in a temporary HOME, with nothing of the
// caller's environment that could lead to the user's real session.
RunOptions private_session_env(const TempDir& home) {
    RunOptions o;
    o.env["HOME"] = home.path();
    o.env["XDG_DATA_HOME"] = home.file("data");
    o.env["XDG_CONFIG_HOME"] = home.file("config");
    o.env["XDG_CACHE_HOME"] = home.file("cache");
    o.env["XDG_RUNTIME_DIR"] = home.path();
    for (const char* name : {"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY",
                             "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK", "SECRET_SERVICE_BUS_NAME"})
        o.env[name] = std::nullopt;
    return o;
}

// Shell text that ends the process group it runs in once the test process
// is gone, so a test that crashes leaves no bus or keyring behind.
std::string watchdog() {
    return "( while kill -0 " + std::to_string(getpid()) +
           " 2>/dev/null; do sleep 1; done; kill -TERM 0 ) & ";
}

// Stops the whole process group of `child`: dbus-run-session leaves its bus
// and the keyring behind when it alone is signalled.
void stop_group(Child& child) {
    kill(-child.pid(), SIGTERM);
    child.stop(SIGTERM, 5000);
}

// gnome-keyring-daemon, unlocked with kPassword, in `dbus-run-session`.
class SessionKeyring {
 public:
    SessionKeyring() {
        std::string run_session = tool("dbus-run-session", "dbus");
        tool("dbus-daemon", "dbus");
        tool("dbus-send", "dbus");
        tool("gnome-keyring-daemon", "gnome-keyring");
        RunOptions o = private_session_env(home_);
        o.env["LATCHKEY_TEST_KEYRING_PASSWORD"] = kPassword;
        // The password on standard input, then EOF, unlocks (and on first
        // start creates) the login collection. The address is printed once
        // the keyring owns its bus name, so no client can race it into
        // D-Bus activation of a second one.
        const char* script = R"(
printf %s "$LATCHKEY_TEST_KEYRING_PASSWORD" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
i=0
while [ $i -lt 200 ]; do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
     grep -q 'boolean true'; then
    echo "ready $DBUS_SESSION_BUS_ADDRESS"
    wait
    exit 0
  fi
  i=$((i + 1))
  sleep 0.05
done
echo "gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s"
exit 1
)";
        o.env["LATCHKEY_TEST_KEYRING_SCRIPT"] = script;
        // What the bus and the keyring say goes to log(), not to the test's
        // output (gnome-keyring is chatty when items are replaced at once).
        child_ = std::make_unique<Child>(
            std::vector<std::string>{"/bin/sh", "-c",
                                     "exec 2>>\"$HOME/session.log\"; " + watchdog() +
                                         "exec \"$0\" -- /bin/sh -c "
                                         "\"$LATCHKEY_TEST_KEYRING_SCRIPT\"",
                                     run_session},
            o);
        auto line = child_->read_line(20'000);
        if (!line || line->rfind("ready ", 0) != 0) {
            stop_group(*child_);
            throw std::runtime_error("could not start a test keyring: " +
                                     (line ? *line : std::string("no answer within 20 s")) +
                                     "; its log:\n" + log());
        }
        address_ = line->substr(6);
    }
    ~SessionKeyring() { stop_group(*child_); }
    SessionKeyring(const SessionKeyring&) = delete;
    SessionKeyring& operator=(const SessionKeyring&) = delete;

    const std::string& address() const { return address_; }
    // What dbus-daemon and gnome-keyring-daemon wrote to standard error.
    std::string log() const { return read_file(home_.file("session.log")); }

 private:
    TempDir home_;
    std::unique_ptr<Child> child_;
    std::string address_;
};

// A session bus with no Secret Service on it (and none it could start).
class BareBus {
 public:
    BareBus() {
        std::string daemon = tool("dbus-daemon", "dbus");
        std::string config = dir_.write("bus.conf", R"(<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=)" + dir_.file("bus") + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
        child_ = std::make_unique<Child>(
            std::vector<std::string>{"/bin/sh", "-c",
                                     watchdog() + "exec \"$0\" --nofork --print-address=1 "
                                                  "--config-file=\"$1\" 2>/dev/null",
                                     daemon, config},
            private_session_env(dir_));
        auto line = child_->read_line(10'000);
        if (!line) throw std::runtime_error("dbus-daemon did not print its address");
        address_ = *line;
    }
    ~BareBus() { stop_group(*child_); }
    const std::string& address() const { return address_; }

 private:
    TempDir dir_;
    std::unique_ptr<Child> child_;
    std::string address_;
};

// The keyring the tests of this process share, and the process's session bus
// connection to it (held, so that GLib never ends the process when the bus
// stops at the end).
struct Shared {
    std::unique_ptr<SessionKeyring> keyring;
    GDBusConnection* bus = nullptr;
    std::string failure;
    std::optional<std::string> saved_address;
    bool had_address = false;
};

Shared& shared() {
    static Shared s;
    return s;
}

// Starts the shared keyring on first use and points this process at it.
// Threads of one test may ask at once (the conformance suite opens a handle
// in each).
const std::string& test_keyring() {
    static std::mutex mu;
    std::lock_guard lock(mu);
    Shared& s = shared();
    if (!s.keyring && s.failure.empty()) {
        try {
            s.keyring = std::make_unique<SessionKeyring>();
        } catch (const std::exception& e) {
            s.failure = e.what();
        }
        if (s.keyring) {
            const char* old = std::getenv("DBUS_SESSION_BUS_ADDRESS");
            s.had_address = old != nullptr;
            if (old) s.saved_address = old;
            setenv("DBUS_SESSION_BUS_ADDRESS", s.keyring->address().c_str(), 1);
            GError* e = nullptr;
            s.bus = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, &e);
            if (!s.bus) {
                s.failure = std::string("cannot connect to the test keyring's bus: ") + e->message;
                g_error_free(e);
            } else {
                g_dbus_connection_set_exit_on_close(s.bus, FALSE);
            }
        }
    }
    if (!s.failure.empty()) throw std::runtime_error(s.failure);
    return s.keyring->address();
}

class KeyringEnvironment : public ::testing::Environment {
 public:
    void TearDown() override {
        Shared& s = shared();
        if (!s.keyring) return;
        secret_service_disconnect();
        s.keyring.reset();
        if (s.bus) g_object_unref(s.bus);
        s.bus = nullptr;
        if (s.saved_address)
            setenv("DBUS_SESSION_BUS_ADDRESS", s.saved_address->c_str(), 1);
        else
            unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }
};

[[maybe_unused]] auto* const keyring_environment =
    ::testing::AddGlobalTestEnvironment(new KeyringEnvironment);

// ---- libsecret, directly -------------------------------------------------------

const SecretSchema* schema() {
    static const SecretSchema s = [] {
        SecretSchema x{};
        x.name = "org.latchkey.Credential";
        x.flags = SECRET_SCHEMA_NONE;
        x.attributes[0] = {"site", SECRET_SCHEMA_ATTRIBUTE_STRING};
        x.attributes[1] = {"storage_key", SECRET_SCHEMA_ATTRIBUTE_STRING};
        return x;
    }();
    return &s;
}

struct FoundItem {
    std::string label;
    std::map<std::string, std::string> attributes;
    std::string secret;
};

// Every latchkey item of `site` in the shared keyring, with secrets.
std::vector<FoundItem> items_of_site(const std::string& site) {
    GError* e = nullptr;
    GList* items = secret_password_search_sync(
        schema(), static_cast<SecretSearchFlags>(SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS),
        nullptr, &e, "site", site.c_str(), nullptr);
    if (e) {
        ADD_FAILURE() << "libsecret search failed: " << e->message;
        g_error_free(e);
        return {};
    }
    std::vector<FoundItem> out;
    for (GList* l = items; l; l = l->next) {
        auto* item = static_cast<SecretRetrievable*>(l->data);
        FoundItem f;
        gchar* label = secret_retrievable_get_label(item);
        f.label = label ? label : "";
        g_free(label);
        GHashTable* a = secret_retrievable_get_attributes(item);
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, a);
        while (g_hash_table_iter_next(&it, &k, &v))
            f.attributes[static_cast<const char*>(k)] = static_cast<const char*>(v);
        g_hash_table_unref(a);
        SecretValue* value = secret_retrievable_retrieve_secret_sync(item, nullptr, nullptr);
        if (value) {
            f.secret = secret_value_get_text(value) ? secret_value_get_text(value) : "";
            secret_value_unref(value);
        }
        out.push_back(std::move(f));
    }
    g_list_free_full(items, g_object_unref);
    return out;
}

// Stores `text` as the secret of `key`, the way latchkey would label it.
void store_raw(const std::string& key, const std::string& text) {
    std::string site = key.substr(0, key.find('.'));
    GError* e = nullptr;
    gboolean ok = secret_password_store_sync(
        schema(), SECRET_COLLECTION_DEFAULT, ("latchkey: " + site).c_str(), text.c_str(), nullptr,
        &e, "site", site.c_str(), "storage_key", key.c_str(), nullptr);
    if (!ok) {
        ADD_FAILURE() << "libsecret store failed: " << (e ? e->message : "?");
        if (e) g_error_free(e);
    }
}

// Locks the default collection of the Secret Service at `address`, over a
// connection of its own (the process's session bus is the shared keyring's).
void lock_default_collection(const std::string& address) {
    GError* e = nullptr;
    GDBusConnection* c = g_dbus_connection_new_for_address_sync(
        address.c_str(),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, &e);
    ASSERT_TRUE(c) << e->message;
    GVariant* alias = g_dbus_connection_call_sync(
        c, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
        "ReadAlias", g_variant_new("(s)", "default"), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE,
        5000, nullptr, &e);
    ASSERT_TRUE(alias) << e->message;
    const char* path = nullptr;
    g_variant_get(alias, "(&o)", &path);
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("ao"));
    g_variant_builder_add(&b, "o", path);
    GVariant* r = g_dbus_connection_call_sync(
        c, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
        "Lock", g_variant_new("(ao)", &b), G_VARIANT_TYPE("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 5000,
        nullptr, &e);
    ASSERT_TRUE(r) << e->message;
    g_variant_unref(r);
    g_variant_unref(alias);
    g_dbus_connection_close_sync(c, nullptr, nullptr);
    g_object_unref(c);
}

// ---- helpers -------------------------------------------------------------------

std::string unique_key(const std::string& site) {
    unsigned char r[6];
    latchkey::crypto::random_bytes(r, sizeof r);
    return site + "." +
           latchkey::crypto::sha256_hex(std::string(reinterpret_cast<char*>(r), sizeof r))
               .substr(0, 16);
}

CredentialData credential(const std::string& token) {
    CredentialData c;
    c.token = token;
    c.token_type = "Bearer";
    c.refresh_token = "rt-" + token;
    c.obtained_at_ms = latchkey::util::now_ms();
    c.expires_at_ms = c.obtained_at_ms + 3'600'000;
    c.extras["instance_url"] = "https://example.invalid";
    return c;
}

TempDir& lock_dir() {
    static TempDir dir;
    return dir;
}

// ---- the conformance suite -------------------------------------------------------

std::unique_ptr<Storage> open_test_keyring() {
    test_keyring();
    return std::make_unique<KeyringStorage>(lock_dir().file("locks"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Keyring, StorageConformance,
                         ::testing::Values(ConformanceBackend{"keyring", open_test_keyring,
                                                              /*entries_expire=*/false}),
                         [](const auto& info) { return info.param.name; });

// ---- the keyring's own behaviour ----------------------------------------------------

class Keyring : public Isolated {
 protected:
    void SetUp() override {
        Isolated::SetUp();
        try {
            address = test_keyring();
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
    }
    latchkey::storage::Warn warn() {
        return [this](const std::string& m) { warnings.push_back(m); };
    }
    std::unique_ptr<KeyringStorage> open() {
        return std::make_unique<KeyringStorage>(home.file("state/latchkey"), warn());
    }
    // What the built-in table opens for `backend`.
    std::unique_ptr<Storage> open_builtin(const std::string& backend) {
        auto* b = latchkey::storage::find_builtin(backend);
        EXPECT_TRUE(b) << backend;
        latchkey::storage::OpenRequest r;
        r.backend = backend;
        r.file_dir = home.file("state/latchkey");
        r.warn = warn();
        return b->open(r);
    }
    // No session bus at all: nothing in the environment leads to one.
    void no_session() {
        env.unset("DBUS_SESSION_BUS_ADDRESS");
        env.unset("DISPLAY");
        env.set("XDG_RUNTIME_DIR", dir.path());  // holds no `bus` socket
    }

    std::string address;
    std::vector<std::string> warnings;
};

TEST_F(Keyring, ItemIsLabelledBySiteWithSiteAndStorageKeyAttributes) {
    auto s = open();
    std::string key = unique_key("labelled");
    auto c = credential("tok-labelled");
    s->save(key, c);
    auto items = items_of_site("labelled");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].label, "latchkey: labelled");
    EXPECT_EQ(items[0].attributes["site"], "labelled");
    EXPECT_EQ(items[0].attributes["storage_key"], key);
    EXPECT_EQ(items[0].attributes["xdg:schema"], "org.latchkey.Credential");
    // The secret is exactly the stored-credential document.
    EXPECT_EQ(items[0].secret, latchkey::storage::to_json(c));
    s->erase(key);
    EXPECT_TRUE(items_of_site("labelled").empty());
    EXPECT_TRUE(warnings.empty());
}

TEST_F(Keyring, SavingAgainReplacesTheItemOfThatStorageKey) {
    auto s = open();
    std::string key = unique_key("again");
    s->save(key, credential("tok-one"));
    s->save(key, credential("tok-two"));
    auto items = items_of_site("again");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(s->load(key)->token, "tok-two");
    s->erase(key);
}

// Each identity of a site (each storage key) is an item of its own, all with
// the site's label: two identities in use at once never evict each other
// (the conformance suite requires it), and erasing one leaves the other.
TEST_F(Keyring, OneItemPerSiteTheNewIdentityReplacesTheOld) {
    auto s = open();
    std::string a = unique_key("twoids"), b = unique_key("twoids");
    s->save(a, credential("tok-a"));
    s->save(b, credential("tok-b"));
    auto items = items_of_site("twoids");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].label, "latchkey: twoids");
    EXPECT_EQ(items[0].attributes["storage_key"], b);
    EXPECT_FALSE(s->load(a).has_value());
    EXPECT_EQ(s->load(b)->token, "tok-b");
    s->erase(b);
    EXPECT_TRUE(items_of_site("twoids").empty());
}

TEST_F(Keyring, KeysListsOnlyLatchkeyItems) {
    // An unrelated item in the same collection.
    const SecretSchema other = [] {
        SecretSchema x{};
        x.name = "org.example.Other";
        x.flags = SECRET_SCHEMA_NONE;
        x.attributes[0] = {"storage_key", SECRET_SCHEMA_ATTRIBUTE_STRING};
        return x;
    }();
    GError* e = nullptr;
    gboolean stored =
        secret_password_store_sync(&other, SECRET_COLLECTION_DEFAULT, "not latchkey's", "x",
                                   nullptr, &e, "storage_key", "foreign.1", nullptr);
    std::string why = e ? e->message : "";
    if (e) g_error_free(e);
    ASSERT_TRUE(stored) << why;
    auto s = open();
    std::string key = unique_key("listed");
    s->save(key, credential("tok-listed"));
    auto keys = s->keys();
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end());
    EXPECT_EQ(std::find(keys.begin(), keys.end(), "foreign.1"), keys.end());
    s->erase(key);
    secret_password_clear_sync(&other, nullptr, nullptr, "storage_key", "foreign.1", nullptr);
}

TEST_F(Keyring, CorruptedSecretIsReportedAndTreatedAsAbsent) {
    auto s = open();
    std::string key = unique_key("corrupt");
    const std::string garbage = "{\"format\": \"latchkey-credential\", SECRET-GARBAGE";
    store_raw(key, garbage);
    std::optional<CredentialData> got;
    ASSERT_NO_THROW(got = s->load(key));
    EXPECT_FALSE(got.has_value());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("latchkey: corrupt"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("a new one will be fetched"), std::string::npos) << warnings[0];
    EXPECT_EQ(warnings[0].find("SECRET-GARBAGE"), std::string::npos) << warnings[0];
    // A document from another latchkey version: the same.
    store_raw(key, "{\"format\": \"latchkey-credential\", \"version\": 99}");
    EXPECT_FALSE(s->load(key).has_value());
    EXPECT_EQ(warnings.size(), 2u);
    // Saving over it repairs it.
    s->save(key, credential("tok-repaired"));
    EXPECT_EQ(s->load(key)->token, "tok-repaired");
    s->erase(key);
}

TEST_F(Keyring, CheckNamesTheBusAndCountsItems) {
    auto s = open();
    std::string key = unique_key("checked");
    s->save(key, credential("tok-checked"));
    std::string line = s->check();
    EXPECT_EQ(
        line.rfind("keyring: Secret Service at " + address + ", default collection unlocked, ", 0),
        0u)
        << line;
    EXPECT_NE(line.find(" latchkey item"), std::string::npos) << line;
    EXPECT_EQ(s->location(), "Secret Service (default collection)");
    s->erase(key);
}

TEST_F(Keyring, LockIsAFileLockInTheFileStoreDirectory0700) {
    auto s = open();
    {
        auto lock = s->lock("site.0123456789abcdef");
        struct stat st {};
        ASSERT_EQ(stat(home.file("state/latchkey").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0700u);
        EXPECT_EQ(access(home.file("state/latchkey/site.0123456789abcdef.lock").c_str(), F_OK), 0);
    }
}

TEST_F(Keyring, NoSessionBusIsAStorageErrorNamingTheFileFallback) {
    no_session();
    auto s = open();
    auto e = catch_error([&] { s->load("site.0123456789abcdef"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    std::string m = e.what();
    EXPECT_EQ(m.rfind("keyring (Secret Service): no D-Bus session", 0), 0u) << m;
    EXPECT_NE(m.find("DBUS_SESSION_BUS_ADDRESS is not set"), std::string::npos) << m;
    EXPECT_NE(m.find("set [storage] backend = \"file\" (or \"system\", which falls back to the "
                     "file store)"),
              std::string::npos)
        << m;
    EXPECT_EQ(catch_error([&] { s->check(); }).kind(), ErrorKind::storage);
    EXPECT_EQ(catch_error([&] { s->save("site.0123456789abcdef", credential("tok-x")); }).kind(),
              ErrorKind::storage);
}

TEST_F(Keyring, DeadBusIsAStorageErrorNamingTheFileFallback) {
    env.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + dir.file("no-bus-here"));
    auto s = open();
    auto e = catch_error([&] { s->keys(); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    std::string m = e.what();
    EXPECT_NE(m.find("no D-Bus session: the session bus at unix:path=" + dir.file("no-bus-here") +
                     " refuses connections"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("backend = \"file\""), std::string::npos) << m;
}

TEST_F(Keyring, BusWithoutSecretServiceIsAStorageError) {
    std::unique_ptr<BareBus> bus;
    try {
        bus = std::make_unique<BareBus>();
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    env.set("DBUS_SESSION_BUS_ADDRESS", bus->address());
    auto e = catch_error([&] { open()->load("site.0123456789abcdef"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    std::string m = e.what();
    EXPECT_NE(m.find("no Secret Service on the D-Bus session bus"), std::string::npos) << m;
    EXPECT_NE(m.find("backend = \"file\""), std::string::npos) << m;
}

TEST_F(Keyring, SystemChoosesTheKeyringWhenItAnswers) {
    auto s = open_builtin("system");
    EXPECT_EQ(s->name(), "keyring");
    EXPECT_TRUE(warnings.empty());
    std::string key = unique_key("sys");
    s->save(key, credential("tok-sys"));
    EXPECT_EQ(items_of_site("sys").size(), 1u);
    s->erase(key);
    EXPECT_EQ(open_builtin("keyring")->name(), "keyring");
}

TEST_F(Keyring, SystemWithoutSessionBusFallsBackToTheFileStoreWithOneNotice) {
    no_session();
    auto s = open_builtin("system");
    EXPECT_EQ(s->name(), "file");
    EXPECT_EQ(s->location(), home.file("state/latchkey"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0],
              "keyring not available (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is "
              "not set); storing tokens in the file store " +
                  home.file("state/latchkey"));
    EXPECT_EQ(warnings[0].find('\n'), std::string::npos);
    // And it works as the file store.
    s->save("fallback.0123456789abcdef", credential("tok-file"));
    EXPECT_EQ(s->load("fallback.0123456789abcdef")->token, "tok-file");
    EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(Keyring, SystemOnABusWithoutSecretServiceFallsBackToTheFileStore) {
    std::unique_ptr<BareBus> bus;
    try {
        bus = std::make_unique<BareBus>();
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    env.set("DBUS_SESSION_BUS_ADDRESS", bus->address());
    auto s = open_builtin("system");
    EXPECT_EQ(s->name(), "file");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(
        warnings[0].rfind("keyring not available (no Secret Service on the D-Bus session bus", 0),
        0u)
        << warnings[0];
    EXPECT_NE(
        warnings[0].find("); storing tokens in the file store " + home.file("state/latchkey")),
        std::string::npos)
        << warnings[0];
}

// A locked default collection: the probe sees it before anything is read.
// (A keyring of its own: locking needs no prompt, unlocking again would.)
TEST_F(Keyring, LockedKeyringIsAClearErrorAndNeverPrompts) {
    std::unique_ptr<SessionKeyring> locked;
    try {
        locked = std::make_unique<SessionKeyring>();
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    lock_default_collection(locked->address());
    env.set("DBUS_SESSION_BUS_ADDRESS", locked->address());
    auto s = open();
    for (auto* what : {"load", "save", "keys", "check"}) {
        auto e = catch_error([&] {
            std::string w = what;
            if (w == "load") s->load("site.0123456789abcdef");
            if (w == "save") s->save("site.0123456789abcdef", credential("tok-never-shown"));
            if (w == "keys") s->keys();
            if (w == "check") s->check();
        });
        EXPECT_EQ(e.kind(), ErrorKind::storage) << what;
        std::string m = e.what();
        EXPECT_NE(m.find("the default collection is locked; unlock your keyring (e.g. log in to "
                         "the desktop session) or use backend = \"file\""),
                  std::string::npos)
            << what << ": " << m;
        EXPECT_EQ(m.find("tok-never-shown"), std::string::npos) << m;
    }
    // `system`: a locked keyring still answers, so it is the keyring, whose
    // errors then say how to unlock it.
    warnings.clear();
    auto sys = open_builtin("system");
    EXPECT_EQ(sys->name(), "keyring");
    EXPECT_TRUE(warnings.empty());
}

// Locked after latchkey connected: libsecret would ask the keyring for an
// unlock prompt; latchkey refuses it and reports the lock. Runs in a process
// of its own (a death test), whose session bus is that keyring's, so this
// fixture does not start the shared one.
class KeyringAlone : public Isolated {};

TEST_F(KeyringAlone, LockedWhileConnectedIsAClearErrorAndNeverPrompts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto scenario = [this] {
        auto say = [](const std::string& m) {
            fprintf(stderr, "%s\n", m.c_str());
            fflush(stderr);
        };
        int failures = 0;
        try {
            SessionKeyring ring;
            setenv("DBUS_SESSION_BUS_ADDRESS", ring.address().c_str(), 1);
            KeyringStorage s(home.file("state/latchkey"), nullptr);
            std::string key = unique_key("later");
            s.save(key, credential("tok-before-lock"));
            if (!s.load(key)) ++failures, say("not stored before the lock");
            lock_default_collection(ring.address());
            auto expect_locked = [&](const char* what, const std::function<void()>& fn) {
                try {
                    fn();
                    ++failures;
                    say(std::string(what) + ": no error");
                } catch (const latchkey::Error& e) {
                    std::string m = e.what();
                    if (m.find("the default collection is locked; unlock your keyring") ==
                            std::string::npos ||
                        m.find("tok-") != std::string::npos)
                        ++failures, say(std::string(what) + ": " + m);
                }
            };
            expect_locked("load", [&] { s.load(key); });
            expect_locked("save", [&] { s.save(key, credential("tok-after-lock")); });
            expect_locked("erase", [&] { s.erase(key); });
            // Nothing asked the keyring to show a prompt (it would have tried
            // to start gcr's system prompter).
            std::string log = ring.log();
            if (log.find("SystemPrompter") != std::string::npos ||
                log.find("prompt") != std::string::npos)
                ++failures, say("the keyring was asked to prompt:\n" + log);
        } catch (const std::exception& e) {
            ++failures;
            say(std::string("unexpected: ") + e.what());
        }
        fflush(stderr);
        _exit(failures == 0 ? 0 : 1);
    };
    EXPECT_EXIT(scenario(), ::testing::ExitedWithCode(0), "");
}

// ---- through the Host --------------------------------------------------------------

TEST_F(Keyring, HostStoresAndReusesATokenAcrossHosts) {
    std::string count = dir.file("count");
    std::string text =
        "[storage]\nbackend = \"keyring\"\n[sites.kr]\nprovider = \"test-counter\"\n"
        "counter_file = \"" +
        count + "\"\n";
    std::string config = dir.write("policy.toml", text);
    auto open_host = [&] {
        latchkey::HostOptions o;
        o.config_path = config;
        o.plugin_dirs = {kGoodDir};
        o.log_sink = [](latchkey::LogLevel, const std::string&) {};
        return latchkey::Host::open(o);
    };
    // Nothing left from an earlier run in this keyring.
    for (auto& i : items_of_site("kr")) open()->erase(i.attributes["storage_key"]);
    {
        auto first = open_host();
        EXPECT_EQ(first.token("kr").token(), "tok-1");
    }
    {
        auto second = open_host();
        EXPECT_EQ(second.token("kr").token(), "tok-1");
    }
    EXPECT_EQ(counter(count), 1);
    auto items = items_of_site("kr");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].label, "latchkey: kr");
    EXPECT_NE(items[0].secret.find("\"tok-1\""), std::string::npos);
    open()->erase(items[0].attributes["storage_key"]);
}

}  // namespace
