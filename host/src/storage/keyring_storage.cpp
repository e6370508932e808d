// The keyring backend. libsecret is used through a SecretService of our own
// subclass whose prompt methods refuse: libsecret otherwise answers a locked
// collection by asking the keyring to show an unlock dialog (and, when no
// dialog can be shown, a lookup quietly finds nothing, which would look like
// an absent credential). Before first use a probe on a private D-Bus
// connection checks, with a timeout, that a Secret Service answers and that
// its default collection exists and is unlocked, so every failure is one
// clear message.
#include "storage/keyring_storage.hpp"

#include <libsecret/secret.h>

#include <algorithm>
#include <cstdlib>

#include "latchkey/error.hpp"
#include "storage/module.hpp"
#include "storage/record_json.hpp"

namespace latchkey::storage {

namespace {

// How long the probe waits for the Secret Service (which D-Bus may have to
// start first) to answer.
constexpr int kProbeTimeoutMs = 5000;

const char* const kFallback =
    "set [storage] backend = \"file\" (or \"system\", which falls back to the file store)";
const char* const kUnlock =
    "unlock your keyring (e.g. log in to the desktop session) or use backend = \"file\"";

[[noreturn]] void fail(const std::string& what) {
    throw Error(ErrorKind::storage, "keyring (Secret Service): " + what);
}

// ---- small owners for GLib values ---------------------------------------

struct ErrorBox {
    GError* e = nullptr;
    ~ErrorBox() {
        if (e) g_error_free(e);
    }
    GError** out() { return &e; }
    std::string text() const {
        if (!e) return "unknown error";
        if (g_dbus_error_is_remote_error(e)) {
            // "GDBus.Error:org.freedesktop.DBus.Error.X: text" -> "text"
            GError* copy = g_error_copy(e);
            g_dbus_error_strip_remote_error(copy);
            std::string t = copy->message;
            g_error_free(copy);
            return t;
        }
        return e->message;
    }
};

template <class T>
struct Unref {
    void operator()(T* p) const { g_object_unref(p); }
};
template <class T>
using GPtr = std::unique_ptr<T, Unref<T>>;

struct TableUnref {
    void operator()(GHashTable* t) const { g_hash_table_unref(t); }
};
using Table = std::unique_ptr<GHashTable, TableUnref>;

struct VariantUnref {
    void operator()(GVariant* v) const { g_variant_unref(v); }
};
using Variant = std::unique_ptr<GVariant, VariantUnref>;

struct ValueUnref {
    void operator()(SecretValue* v) const { secret_value_unref(v); }
};
using Value = std::unique_ptr<SecretValue, ValueUnref>;

// A GList of SecretItem, each owned.
struct Items {
    GList* list = nullptr;
    ~Items() { g_list_free_full(list, g_object_unref); }
};

std::string take_string(gchar* s) {
    std::string out = s ? s : "";
    g_free(s);
    return out;
}

// ---- the schema ----------------------------------------------------------

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

// Storage keys are SITE.HASH(identity).
std::string site_of(const std::string& key) { return key.substr(0, key.find('.')); }

Table attributes(const std::string& key) {
    std::string site = site_of(key);
    return Table(secret_attributes_build(schema(), "site", site.c_str(), "storage_key", key.c_str(),
                                         nullptr));
}

Table all_items() { return Table(g_hash_table_new(g_str_hash, g_str_equal)); }

std::string describe(const std::string& key) {
    return "\"latchkey: " + site_of(key) + "\" (storage key " + key + ")";
}

// ---- a SecretService that never prompts ----------------------------------

const char* const kWouldPrompt = "the keyring asked to prompt, and latchkey never prompts";

void dismiss(SecretPrompt* prompt) {
    // Fire and forget: without a callback no reply is expected.
    g_dbus_proxy_call(G_DBUS_PROXY(prompt), "Dismiss", nullptr, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                      1000, nullptr, nullptr, nullptr);
}

GVariant* refuse_prompt_sync(SecretService*, SecretPrompt* prompt, GCancellable*,
                             const GVariantType*, GError** error) {
    dismiss(prompt);
    g_set_error_literal(error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED, kWouldPrompt);
    return nullptr;
}

void refuse_prompt_async(SecretService* self, SecretPrompt* prompt, const GVariantType*,
                         GCancellable* cancellable, GAsyncReadyCallback callback,
                         gpointer user_data) {
    dismiss(prompt);
    GTask* task = g_task_new(self, cancellable, callback, user_data);
    g_task_return_new_error(task, SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "%s", kWouldPrompt);
    g_object_unref(task);
}

GVariant* refuse_prompt_finish(SecretService*, GAsyncResult* result, GError** error) {
    return static_cast<GVariant*>(g_task_propagate_pointer(G_TASK(result), error));
}

struct NoPromptService {
    SecretService parent;
};
struct NoPromptServiceClass {
    SecretServiceClass parent;
};

void no_prompt_class_init(gpointer klass, gpointer) {
    auto* k = static_cast<SecretServiceClass*>(klass);
    k->prompt_sync = refuse_prompt_sync;
    k->prompt_async = refuse_prompt_async;
    k->prompt_finish = refuse_prompt_finish;
}

GType no_prompt_service_type() {
    // GLib type names are process-wide, and a process may hold this code
    // twice (the unit tests link it and also map the keyring module): the
    // first registration serves both, since both are the same code.
    static const GType type = [] {
        if (GType existing = g_type_from_name("LatchkeyNoPromptSecretService")) return existing;
        return g_type_register_static_simple(
            SECRET_TYPE_SERVICE, "LatchkeyNoPromptSecretService", sizeof(NoPromptServiceClass),
            no_prompt_class_init, sizeof(NoPromptService), nullptr, static_cast<GTypeFlags>(0));
    }();
    return type;
}

// ---- the probe -------------------------------------------------------------

const char* service_bus_name() {
    const char* n = g_getenv("SECRET_SERVICE_BUS_NAME");  // libsecret honours it too
    return n && *n ? n : "org.freedesktop.secrets";
}

struct Probe {
    enum State { no_session, no_service, no_default, locked, ready };
    State state = no_session;
    std::string address;  // of the session bus
    std::string guid;     // of the session bus, to match libsecret's connection
    std::string reason;   // what is wrong, short (the `system` notice uses it)
};

Probe probe() {
    Probe p;
    ErrorBox err;
    gchar* address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, nullptr, err.out());
    if (!address) {
        const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
        p.reason = std::string("no D-Bus session: ") +
                   (env && *env ? err.text() : "DBUS_SESSION_BUS_ADDRESS is not set");
        return p;
    }
    p.address = take_string(address);
    GPtr<GDBusConnection> bus(g_dbus_connection_new_for_address_sync(
        p.address.c_str(),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, err.out()));
    if (!bus) {
        p.reason = "no D-Bus session: the session bus at " + p.address + " refuses connections (" +
                   err.text() + ")";
        return p;
    }
    p.guid = g_dbus_connection_get_guid(bus.get());
    struct Closer {
        GDBusConnection* c;
        ~Closer() { g_dbus_connection_close_sync(c, nullptr, nullptr); }
    } closer{bus.get()};

    Variant alias(g_dbus_connection_call_sync(
        bus.get(), service_bus_name(), "/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
        "ReadAlias", g_variant_new("(s)", "default"), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE,
        kProbeTimeoutMs, nullptr, err.out()));
    if (!alias) {
        p.state = Probe::no_service;
        bool silent = g_error_matches(err.e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
                      g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
                      g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT);
        p.reason = silent ? "the Secret Service on the D-Bus session bus did not answer within " +
                                std::to_string(kProbeTimeoutMs / 1000) + " s"
                          : "no Secret Service on the D-Bus session bus (" + err.text() + ")";
        return p;
    }
    const char* path = nullptr;
    g_variant_get(alias.get(), "(&o)", &path);
    if (std::string(path) == "/") {
        p.state = Probe::no_default;
        p.reason = "the Secret Service has no default collection";
        return p;
    }
    Variant locked(g_dbus_connection_call_sync(
        bus.get(), service_bus_name(), path, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.freedesktop.Secret.Collection", "Locked"), G_VARIANT_TYPE("(v)"),
        G_DBUS_CALL_FLAGS_NO_AUTO_START, kProbeTimeoutMs, nullptr, err.out()));
    if (!locked) {
        p.state = Probe::no_service;
        p.reason = "the Secret Service did not say whether its default collection is locked (" +
                   err.text() + ")";
        return p;
    }
    GVariant* inner = nullptr;
    g_variant_get(locked.get(), "(v)", &inner);
    Variant inner_owner(inner);
    bool is_locked =
        g_variant_is_of_type(inner, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(inner);
    if (is_locked) {
        p.state = Probe::locked;
        p.reason = "the default collection is locked";
        return p;
    }
    p.state = Probe::ready;
    return p;
}

[[noreturn]] void fail_probe(const Probe& p) {
    switch (p.state) {
        case Probe::no_session:
            fail(p.reason + "; " + kFallback);
        case Probe::no_service:
            fail(p.reason + "; start your keyring (e.g. gnome-keyring-daemon) or " + kFallback);
        case Probe::no_default:
            fail(p.reason + " at " + p.address +
                 "; create one (e.g. a \"login\" keyring in Seahorse) or use backend = \"file\"");
        case Probe::locked:
            fail(p.reason + "; " + kUnlock);
        case Probe::ready:
            break;
    }
    fail("internal error: the probe succeeded");
}

// A message for a failed libsecret call.
[[noreturn]] void fail_call(const std::string& doing, const ErrorBox& err) {
    if (g_error_matches(err.e, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
        fail(doing + ": the default collection is locked; " + kUnlock);
    bool gone = g_error_matches(err.e, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
                g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
                g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
                g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
                g_error_matches(err.e, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
                g_error_matches(err.e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    if (gone)
        fail(doing + ": the Secret Service stopped answering (" + err.text() +
             "); restart your keyring or " + kFallback);
    fail(doing + ": " + err.text() + "; check your keyring, or use backend = \"file\"");
}

}  // namespace

// libsecret's service on the process's session bus connection.
struct KeyringStorage::Connection {
    GPtr<GDBusConnection> bus;
    GPtr<SecretService> service;
    std::string address;
};

KeyringStorage::KeyringStorage(std::string file_dir, Warn warn)
    : locks_(std::move(file_dir), warn), warn_(std::move(warn)) {}

KeyringStorage::~KeyringStorage() = default;

KeyringStorage::Connection& KeyringStorage::connect() {
    std::lock_guard lock(mu_);
    if (conn_) return *conn_;
    Probe p = probe();
    if (p.state != Probe::ready) fail_probe(p);

    ErrorBox err;
    // libsecret talks over the process's shared session bus connection.
    GPtr<GDBusConnection> bus(g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, err.out()));
    if (!bus)
        fail("cannot connect to the D-Bus session bus at " + p.address + " (" + err.text() + "); " +
             kFallback);
    // By default GLib ends the process when that bus goes away; a library
    // must not.
    g_dbus_connection_set_exit_on_close(bus.get(), FALSE);
    if (p.guid != g_dbus_connection_get_guid(bus.get()))
        fail("this process is already connected to another D-Bus session bus than " + p.address +
             " (DBUS_SESSION_BUS_ADDRESS changed while it ran); start it again, or " + kFallback);
    GPtr<SecretService> service(secret_service_open_sync(
        no_prompt_service_type(), nullptr, SECRET_SERVICE_OPEN_SESSION, nullptr, err.out()));
    if (!service) fail_call("cannot open a session with the Secret Service", err);
    conn_ = std::make_unique<Connection>();
    conn_->bus = std::move(bus);
    conn_->service = std::move(service);
    conn_->address = p.address;
    return *conn_;
}

std::optional<detail::CredentialData> KeyringStorage::load(const std::string& key) {
    Connection& c = connect();
    ErrorBox err;
    // Not SECRET_SEARCH_UNLOCK: a locked item comes back locked, without its
    // secret, and is an error rather than an unlock prompt.
    Items found{secret_service_search_sync(c.service.get(), schema(), attributes(key).get(),
                                           SECRET_SEARCH_LOAD_SECRETS, nullptr, err.out())};
    if (err.e) fail_call("cannot look up " + describe(key), err);
    if (!found.list) return std::nullopt;
    auto* item = static_cast<SecretItem*>(found.list->data);
    if (secret_item_get_locked(item))
        fail("cannot read " + describe(key) + ": the default collection is locked; " + kUnlock);
    Value value(secret_item_get_secret(item));
    if (!value) fail("the Secret Service returned no secret for " + describe(key) + "; " + kUnlock);
    gsize size = 0;
    const gchar* bytes = secret_value_get(value.get(), &size);
    std::string text(bytes ? bytes : "", bytes ? size : 0);
    std::string error;
    auto credential = from_json(text, error);
    std::fill(text.begin(), text.end(), '\0');
    if (!credential && warn_)
        warn_("ignoring the credential stored in the keyring as " + describe(key) + ": " + error +
              "; a new one will be fetched");
    return credential;
}

void KeyringStorage::save(const std::string& key, const detail::CredentialData& credential) {
    Connection& c = connect();
    std::string text = to_json(credential);
    Value value(secret_value_new(text.data(), static_cast<gssize>(text.size()), "text/plain"));
    std::fill(text.begin(), text.end(), '\0');
    std::string label = "latchkey: " + site_of(key);
    ErrorBox err;
    // Replaces the item with the same attributes, in one call.
    if (!secret_service_store_sync(c.service.get(), schema(), attributes(key).get(),
                                   SECRET_COLLECTION_DEFAULT, label.c_str(), value.get(), nullptr,
                                   err.out()))
        fail_call("cannot store " + describe(key), err);
    // One item per site: a site whose identity changed keeps only the new one.
    for (auto& other : keys())
        if (other != key && site_of(other) == site_of(key)) erase(other);
}

void KeyringStorage::erase(const std::string& key) {
    Connection& c = connect();
    ErrorBox err;
    // Rather than secret_service_clear_sync, which passes over locked items
    // in silence.
    Items found{secret_service_search_sync(c.service.get(), schema(), attributes(key).get(),
                                           SECRET_SEARCH_ALL, nullptr, err.out())};
    if (err.e) fail_call("cannot look up " + describe(key), err);
    for (GList* l = found.list; l; l = l->next) {
        auto* item = static_cast<SecretItem*>(l->data);
        if (secret_item_get_locked(item))
            fail("cannot remove " + describe(key) + ": the default collection is locked; " +
                 kUnlock);
        if (!secret_item_delete_sync(item, nullptr, err.out()))
            fail_call("cannot remove " + describe(key), err);
    }
}

std::unique_ptr<Lock> KeyringStorage::lock(const std::string& key) { return locks_.lock(key); }

std::vector<std::string> KeyringStorage::keys() {
    Connection& c = connect();
    ErrorBox err;
    Items found{secret_service_search_sync(c.service.get(), schema(), all_items().get(),
                                           SECRET_SEARCH_ALL, nullptr, err.out())};
    if (err.e) fail_call("cannot list latchkey's items", err);
    std::vector<std::string> out;
    for (GList* l = found.list; l; l = l->next) {
        Table attrs(secret_item_get_attributes(static_cast<SecretItem*>(l->data)));
        auto* k = static_cast<const char*>(g_hash_table_lookup(attrs.get(), "storage_key"));
        if (k && *k && std::find(out.begin(), out.end(), k) == out.end()) out.emplace_back(k);
    }
    return out;
}

std::string KeyringStorage::check() {
    Probe p = probe();  // afresh: the collection may have been locked since
    if (p.state != Probe::ready) fail_probe(p);
    size_t n = keys().size();
    return "keyring: Secret Service at " + p.address + ", default collection unlocked, " +
           std::to_string(n) + " latchkey item" + (n == 1 ? "" : "s");
}

std::unique_ptr<Storage> open_system_storage(const std::string& file_dir, const Warn& warn) {
    Probe p = probe();
    if (p.state == Probe::no_session || p.state == Probe::no_service) {
        if (warn)
            warn("keyring not available (" + p.reason + "); storing tokens in the file store " +
                 file_dir);
        return std::make_unique<FileStorage>(file_dir, warn);
    }
    // It answers: the keyring, whose errors (locked, no default collection)
    // then say what to do.
    return std::make_unique<KeyringStorage>(file_dir, warn);
}

}  // namespace latchkey::storage

// The keyring module's entry: "keyring" and "system" (the keyring, or the
// file store when no Secret Service answers). `file_dir` is already settled.
LATCHKEY_MODULE(storage_keyring) {
    static const latchkey::storage::StorageModule table{
        {},
        [](const std::string& backend, const latchkey::storage::OpenRequest& r,
           latchkey::module::Fault& fault) noexcept {
            using latchkey::storage::to_port;
            return latchkey::module::contain(fault, [&] {
                if (backend == "system")
                    return to_port(latchkey::storage::open_system_storage(r.file_dir, r.warn));
                return to_port(
                    std::make_unique<latchkey::storage::KeyringStorage>(r.file_dir, r.warn));
            });
        }};
    return &table;
}
