#include "storage/plugin_storage.hpp"

#include <cctype>
#include <map>
#include <optional>

#include "abi/option_view.hpp"
#include "abi/shield.hpp"
#include "latchkey/error.hpp"
#include "storage/record_json.hpp"
#include "util/clock.hpp"
#include "util/redactor.hpp"
#include "util/strings.hpp"

namespace latchkey::storage {

namespace {

// Bounds on what a plugin may hand back, so a broken one cannot exhaust memory.
constexpr size_t kMaxDocument = 1 << 20;  // one credential
constexpr size_t kMaxListing = 16 << 20;  // every key together
constexpr size_t kMaxText = 300;          // one error or location line
constexpr size_t kMaxKey = 200;

using abi::shielded;

bool valid_key(std::string_view k) {
    if (k.empty() || k.size() > kMaxKey || k[0] == '.') return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

// One line of printable text out of whatever a plugin wrote.
std::string clean(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (out.size() >= kMaxText) {
            out += "...";
            break;
        }
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    }
    size_t b = out.find_first_not_of(' '), e = out.find_last_not_of(' ');
    return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

// Collects sink output up to a cap; `over` says the cap was hit.
struct Buffer {
    std::string data;
    size_t cap;
    bool over = false;
};
void buffer_sink(void* user, const char* data, size_t len) {
    auto* b = static_cast<Buffer*>(user);
    if (!data || b->over) return;
    if (b->data.size() + len > b->cap) {
        b->over = true;
        return;
    }
    b->data.append(data, len);
}

// Collects one key per sink call.
struct KeyList {
    std::vector<std::string> keys;
    size_t bytes = 0;
    size_t invalid = 0;
    bool over = false;
};
void key_sink(void* user, const char* data, size_t len) {
    auto* l = static_cast<KeyList*>(user);
    if (l->over) return;
    if (!data || !valid_key(std::string_view(data, len))) {
        ++l->invalid;
        return;
    }
    l->bytes += len;
    if (l->bytes > kMaxListing) {
        l->over = true;
        return;
    }
    l->keys.emplace_back(data, len);
}

// The error buffer handed to every call.
struct ErrorText {
    char text[1024] = {0};
    std::string get() {
        text[sizeof text - 1] = '\0';
        return clean(text);
    }
};

}  // namespace

// ---------------------------------------------------------------- loading

std::string env_prefix_for(const std::string& backend) {
    std::string up = util::to_upper(backend);
    for (char& c : up)
        if (c == '-') c = '_';
    return "LATCHKEY_" + up + "_";
}

// ---------------------------------------------------------------- the adapter

namespace {

// One open instance of a plugin. Shared by the storage handle and its locks,
// so the instance is closed (and the library unmapped) only after the last
// lock is released.
struct Instance {
    std::shared_ptr<LoadedStoragePlugin> plugin;
    Options options;
    std::optional<abi::OptionView> option_view;  // over `options`, once they are in place
    PluginServices services;
    util::Redactor own;  // the options marked secret, whatever `services` has
    latchkey_storage_host table{};
    void* handle = nullptr;

    ~Instance() {
        if (handle) plugin->descriptor().close(handle);
    }

    const latchkey_storage& d() const { return plugin->descriptor(); }

    std::string redact(const std::string& text) const {
        std::string out = own.redact(text);
        return services.redactor ? services.redactor->redact(out) : out;
    }

    std::string who() const {
        return "storage plugin '" + plugin->name() + "' (" + plugin->path() + ")";
    }

    // The error for a failed call, with the next step for its status.
    [[noreturn]] void fail(const std::string& what, latchkey_status st, const std::string& reason,
                           const util::Redactor* extra = nullptr) const {
        std::string why = reason.empty() ? "failed without a message" : reason;
        if (extra) why = extra->redact(why);
        why = redact(why);
        std::string step;
        switch (st) {
            case LATCHKEY_E_CONFIG:
                step = "check [storage." + plugin->name() + "] in the policy";
                break;
            case LATCHKEY_E_TRANSIENT:
                step = "the store is unreachable for now; try again later";
                break;
            case LATCHKEY_E_REJECTED:
            case LATCHKEY_E_INTERACTION_REQUIRED:
            case LATCHKEY_E_INTERNAL:
                break;
            default:
                why += " (unknown status " + std::to_string(static_cast<int>(st)) + ")";
        }
        if (step.empty())
            step =
                "check the store with `latchkey storage check`, or choose another backend in "
                "[storage] backend";
        throw Error(st == LATCHKEY_E_CONFIG ? ErrorKind::config : ErrorKind::storage,
                    who() + ": " + what + ": " + why + "; " + step);
    }

    // Runs one plugin call; a C++ exception escaping a plugin becomes an error.
    template <class Fn>
    latchkey_status call(const std::string& what, Fn&& fn) const {
        try {
            return fn();
        } catch (...) {
            throw Error(ErrorKind::storage,
                        who() + ": " + what +
                            ": the plugin let an exception escape (a bug in the plugin); choose "
                            "another backend in [storage] backend");
        }
    }

    void check_key(const std::string& key) const {
        if (!valid_key(key))
            throw Error(ErrorKind::storage,
                        who() + ": '" + clean(key) +
                            "' is not a storage key (1-200 of A-Z a-z 0-9 . _ -, not starting "
                            "with '.')");
    }

    std::string text_of(void (*fn)(void*, latchkey_sink, void*)) const {
        Buffer b{{}, kMaxText * 4};
        call("location", [&] {
            fn(handle, buffer_sink, &b);
            return LATCHKEY_OK;
        });
        return redact(clean(b.data));
    }
};

Instance* instance_of(void* ctx) { return static_cast<Instance*>(ctx); }

namespace cb {
const char* option(void* ctx, const char* key) { return instance_of(ctx)->option_view->text(key); }
size_t option_list_size(void* ctx, const char* key) {
    return instance_of(ctx)->option_view->list_size(key);
}
const char* option_list_item(void* ctx, const char* key, size_t i) {
    return instance_of(ctx)->option_view->list_item(key, i);
}
void log(void* ctx, latchkey_log_level level, const char* message) {
    auto* in = instance_of(ctx);
    // Whatever the plugin passes, a known level; and nothing thrown back into C.
    if (level < LATCHKEY_LOG_DEBUG || level > LATCHKEY_LOG_ERROR) level = LATCHKEY_LOG_ERROR;
    try {
        std::string line =
            in->redact("storage " + in->plugin->name() + ": " + clean(message ? message : ""));
        if (in->services.log)
            in->services.log(level, line);
        else if (level >= LATCHKEY_LOG_WARN && in->services.warn)
            in->services.warn(line);
    } catch (...) {
    }
}
int64_t now_ms(void*) { return util::now_ms(); }
}  // namespace cb

class PluginLock : public Lock {
 public:
    PluginLock(std::shared_ptr<Instance> in, void* handle) : in_(std::move(in)), handle_(handle) {}
    ~PluginLock() override {
        try {
            in_->d().unlock(in_->handle, handle_);
        } catch (...) {
            // Nothing can be reported from a destructor; the instance stays usable.
        }
    }

 private:
    std::shared_ptr<Instance> in_;
    void* handle_;
};

class PluginStorage : public Storage {
 public:
    explicit PluginStorage(std::shared_ptr<Instance> in) : in_(std::move(in)) {
        location_ = in_->d().location ? in_->text_of(in_->d().location) : "";
        if (location_.empty()) location_ = in_->plugin->path();
    }

    std::string name() const override { return in_->plugin->name(); }
    std::string location() const override { return location_; }

    std::optional<detail::CredentialData> load(const std::string& key) override {
        in_->check_key(key);
        Buffer doc{{}, kMaxDocument};
        int found = 0;
        ErrorText err;
        latchkey_status st = in_->call("load", [&] {
            return in_->d().load(in_->handle, key.c_str(), buffer_sink, &doc, &found, err.text,
                                 sizeof err.text);
        });
        if (st != LATCHKEY_OK) in_->fail("cannot read '" + key + "'", st, err.get());
        if (!found) return std::nullopt;
        std::string error;
        std::optional<detail::CredentialData> c;
        if (doc.over)
            error = "the document is larger than " + std::to_string(kMaxDocument) + " bytes";
        else
            c = from_json(doc.data, error);
        if (!c) {
            if (in_->services.warn)
                in_->services.warn(in_->redact("ignoring stored credential '" + key + "' from " +
                                               in_->who() + ": " + error +
                                               "; a new one will be fetched"));
            return std::nullopt;
        }
        if (in_->services.redactor) {
            in_->services.redactor->add(c->token);
            in_->services.redactor->add(c->refresh_token);
        }
        return c;
    }

    void save(const std::string& key, const detail::CredentialData& c) override {
        in_->check_key(key);
        std::string doc = to_json(c);
        ErrorText err;
        latchkey_status st = in_->call("save", [&] {
            return in_->d().save(in_->handle, key.c_str(), doc.data(), doc.size(), c.expires_at_ms,
                                 err.text, sizeof err.text);
        });
        if (st != LATCHKEY_OK) {
            util::Redactor these;  // the document's own secrets, known or not
            these.add(c.token);
            these.add(c.refresh_token);
            in_->fail("cannot save '" + key + "'", st, err.get(), &these);
        }
    }

    void erase(const std::string& key) override {
        in_->check_key(key);
        ErrorText err;
        latchkey_status st = in_->call("erase", [&] {
            return in_->d().erase(in_->handle, key.c_str(), err.text, sizeof err.text);
        });
        if (st != LATCHKEY_OK) in_->fail("cannot erase '" + key + "'", st, err.get());
    }

    std::unique_ptr<Lock> lock(const std::string& key) override {
        in_->check_key(key);
        ErrorText err;
        void* handle = nullptr;
        latchkey_status st = in_->call("lock", [&] {
            return in_->d().lock(in_->handle, key.c_str(), &handle, err.text, sizeof err.text);
        });
        if (st != LATCHKEY_OK) in_->fail("cannot lock '" + key + "'", st, err.get());
        return std::make_unique<PluginLock>(in_, handle);
    }

    std::vector<std::string> keys() override {
        KeyList l;
        ErrorText err;
        latchkey_status st = in_->call("list", [&] {
            return in_->d().list(in_->handle, key_sink, &l, err.text, sizeof err.text);
        });
        if (st != LATCHKEY_OK) in_->fail("cannot list the stored keys", st, err.get());
        if ((l.invalid || l.over) && in_->services.warn)
            in_->services.warn(
                in_->who() + ": ignoring " +
                (l.over ? "a listing larger than " + std::to_string(kMaxListing) +
                              " bytes (only the first keys are used)"
                        : std::to_string(l.invalid) + " listed name(s) that are not storage keys"));
        return std::move(l.keys);
    }

    std::string check() override {
        std::string head = name() + " (storage plugin " + in_->plugin->path() + ")";
        if (!in_->d().check) return head + ": " + std::to_string(keys().size()) + " stored";
        Buffer line{{}, kMaxText * 4};
        ErrorText err;
        latchkey_status st = in_->call("check", [&] {
            return in_->d().check(in_->handle, buffer_sink, &line, err.text, sizeof err.text);
        });
        if (st != LATCHKEY_OK) in_->fail("check failed", st, err.get());
        std::string text = in_->redact(clean(line.data));
        return text.empty() ? head + ": ok" : head + ": " + text;
    }

 private:
    std::shared_ptr<Instance> in_;
    std::string location_;
};

}  // namespace

std::unique_ptr<Storage> open_plugin_storage(std::shared_ptr<LoadedStoragePlugin> plugin,
                                             Options options, PluginServices services) {
    auto in = std::make_shared<Instance>();
    in->plugin = std::move(plugin);
    in->options = std::move(options);
    in->services = std::move(services);
    in->option_view.emplace(in->options);
    for (auto& s : policy::secret_texts(in->options)) in->own.add(s);
    latchkey_storage_host& t = in->table;
    t.struct_size = sizeof t;
    t.abi_major = LATCHKEY_STORAGE_ABI_MAJOR;
    t.abi_minor = LATCHKEY_STORAGE_ABI_MINOR;
    t.ctx = in.get();
    t.option = shielded<cb::option>;
    t.option_list_size = shielded<cb::option_list_size>;
    t.option_list_item = shielded<cb::option_list_item>;
    t.log = shielded<cb::log>;
    t.now_ms = shielded<cb::now_ms>;

    ErrorText err;
    void* handle = nullptr;
    latchkey_status st = in->call(
        "open", [&] { return in->d().open(&in->table, &handle, err.text, sizeof err.text); });
    if (st != LATCHKEY_OK) {
        // A plugin that failed must not have made an instance; never close one.
        in->fail("cannot open the store", st, err.get());
    }
    if (!handle)
        in->fail("cannot open the store", LATCHKEY_E_INTERNAL, "open returned no instance");
    in->handle = handle;
    return std::make_unique<PluginStorage>(std::move(in));
}

}  // namespace latchkey::storage
