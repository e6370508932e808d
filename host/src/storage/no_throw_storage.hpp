// A Storage handed across a module's table (module/boundary.hpp). The module
// wraps its backend in a NoThrowStorage, whose calls report failure as a Fault
// rather than throw; the host wraps the port back into a Storage that throws
// the same Error. Each side runs its own copy of this code: the module's
// is linked into the module.
#pragma once

#include <memory>

#include "module/boundary.hpp"
#include "storage/storage.hpp"

namespace latchkey::storage {

class NoThrowStorage {
 public:
    virtual ~NoThrowStorage() = default;
    virtual std::string name(module::Fault& fault) noexcept = 0;
    virtual std::string location(module::Fault& fault) noexcept = 0;
    virtual std::optional<detail::CredentialData> load(const std::string& key,
                                                       module::Fault& fault) noexcept = 0;
    virtual void save(const std::string& key, const detail::CredentialData& credential,
                      module::Fault& fault) noexcept = 0;
    virtual void erase(const std::string& key, module::Fault& fault) noexcept = 0;
    // The lock's destructor runs in the module and throws nothing.
    virtual std::unique_ptr<Lock> lock(const std::string& key, module::Fault& fault) noexcept = 0;
    virtual std::vector<std::string> keys(module::Fault& fault) noexcept = 0;
    virtual std::string check(module::Fault& fault) noexcept = 0;
};

// Module side: the port for `storage` (null stays null).
std::unique_ptr<NoThrowStorage> to_port(std::unique_ptr<Storage> storage);

// Host side: a Storage that calls `port` and throws what it reports.
std::unique_ptr<Storage> from_port(std::unique_ptr<NoThrowStorage> port);

}  // namespace latchkey::storage
