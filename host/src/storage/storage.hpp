// Where credentials are kept between calls and between processes.
//
// One interface, several backends (memory, file, keyring, redis, storage
// plugins). `lock` gives single flight across every party that shares the
// backend: a caller locks, re-reads (someone else may have fetched
// meanwhile), fetches only if still needed, saves, unlocks.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/option_spec.hpp"
#include "policy/resolver.hpp"
#include "credential/credential_data.hpp"

namespace latchkey::storage {

class Lock {
 public:
    virtual ~Lock() = default;
};

class Storage {
 public:
    virtual ~Storage() = default;
    // The backend's name as the policy spells it ("file", "redis", ...).
    virtual std::string name() const = 0;
    // Where it keeps things, for people: "/home/u/.local/state/latchkey",
    // "redis://10.0.0.5:6379/0", "Secret Service (login collection)".
    virtual std::string location() const = 0;
    // A missing or unreadable entry is nullopt (an unreadable one is reported
    // through the warning callback); a store that cannot be used throws
    // Error(storage) naming the backend and the next step.
    virtual std::optional<detail::CredentialData> load(const std::string& key) = 0;
    // Keeps `credential` under `key`; backends with expiry (redis) let the
    // entry vanish at credential.expires_at_ms.
    virtual void save(const std::string& key, const detail::CredentialData& credential) = 0;
    virtual void erase(const std::string& key) = 0;
    // Exclusive across everyone sharing the backend, until destroyed.
    virtual std::unique_ptr<Lock> lock(const std::string& key) = 0;
    virtual std::vector<std::string> keys() = 0;
    // Reachability and permissions, in one line; throws Error(storage) when
    // the backend cannot be used.
    virtual std::string check() = 0;
};

using Warn = std::function<void(const std::string&)>;
using Options = std::map<std::string, policy::ResolvedValue>;

// What a backend needs to open: its resolved [storage.NAME] options, the file
// store's directory, and a way to report recoverable problems.
struct OpenRequest {
    std::string backend;
    Options options;
    std::string file_dir;
    Warn warn;
};

// A built-in backend: its option schema ([storage.NAME]) and its factory.
struct Backend {
    std::string name;
    std::vector<policy::OptionSpec> schema;
    std::function<std::unique_ptr<Storage>(const OpenRequest&)> open;
};

// The built-in backends (memory, file, keyring, system, redis).
const std::vector<Backend>& builtin_backends();
const Backend* find_builtin(const std::string& name);

// $XDG_STATE_HOME/latchkey, or ~/.local/state/latchkey.
std::string default_file_store_dir();

}  // namespace latchkey::storage
