// The stores a host opens: a built-in backend or a storage plugin by name,
// each opened once with its [storage.NAME] options and sealed when a key is
// set (sealed_storage.hpp).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "provider/catalog.hpp"
#include "provider/services.hpp"
#include "storage/sealed_storage.hpp"
#include "storage/storage.hpp"

namespace latchkey::storage {

class StorageRegistry {
 public:
    // Everything it is given outlives it.
    StorageRegistry(const policy::Policy& policy, const policy::Resolver& resolver,
                    provider::Catalog& catalog, provider::Services& services)
        : policy_(policy), resolver_(resolver), catalog_(catalog), services_(services) {}

    // Opens (once) the named backend; `where` says where the name came from
    // (a policy position), for messages.
    Storage& open(const std::string& backend, const std::string& where = "");
    // The file store's directory: [storage] path, else the XDG state directory.
    std::string file_dir() const;

 private:
    // [storage] encryption_key and previous_encryption_keys (or
    // LATCHKEY_STORAGE_*), for backends whose own table sets none.
    SealingKeys storage_wide_sealing_keys();
    [[noreturn]] void unknown_backend(const std::string& backend, const std::string& at,
                                      const std::vector<std::string>& plugins);

    const policy::Policy& policy_;
    const policy::Resolver& resolver_;
    provider::Catalog& catalog_;
    provider::Services& services_;
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<Storage>> open_;
};

}  // namespace latchkey::storage
