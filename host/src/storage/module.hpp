// The table a storage module (modules/storage-keyring.so, libsecret;
// modules/storage-redis.so, hiredis) hands to liblatchkey. The built-in
// backend table (open_storage.cpp) maps a module only when a site or a
// command chooses its backend.
#pragma once

#include "module/module.hpp"
#include "storage/no_throw_storage.hpp"

namespace latchkey::storage {

struct StorageModule : module::ModuleHeader {
    // Opens the backend `backend` ("keyring", "system", "redis") as the
    // built-in table's factory would; on failure null, and `fault` says why.
    std::unique_ptr<NoThrowStorage> (*open)(const std::string& backend, const OpenRequest& request,
                                         module::Fault& fault);
};

}  // namespace latchkey::storage
