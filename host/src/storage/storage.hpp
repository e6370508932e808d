// Where credentials are kept between calls and between processes.
//
// One interface, several backends. `lock` gives single flight across every
// party that shares the backend: a caller locks, re-reads (someone else may
// have fetched meanwhile), fetches only if still needed, saves, unlocks.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "token/credential_data.hpp"

namespace latchkey::storage {

class Lock {
 public:
    virtual ~Lock() = default;
};

class Storage {
 public:
    virtual ~Storage() = default;
    virtual std::string name() const = 0;
    // A missing or unreadable entry is nullopt (an unreadable one is reported
    // through the warning callback); a store that cannot be used throws.
    virtual std::optional<detail::CredentialData> load(const std::string& key) = 0;
    virtual void save(const std::string& key, const detail::CredentialData& credential) = 0;
    virtual void erase(const std::string& key) = 0;
    virtual std::unique_ptr<Lock> lock(const std::string& key) = 0;
    virtual std::vector<std::string> keys() = 0;
};

using Warn = std::function<void(const std::string&)>;

// "memory" or "file"; `path` is the file store's directory ("" = default).
std::unique_ptr<Storage> open_storage(const std::string& backend, const std::string& path,
                                      Warn warn);

// $XDG_STATE_HOME/latchkey, or ~/.local/state/latchkey.
std::string default_file_store_dir();

}  // namespace latchkey::storage
