// Loading a storage plugin (sdk/include/latchkey/storage.h): the same checks
// as a provider's (checked_library.hpp), then its descriptor's. Using one is
// storage's business (storage/plugin_storage.hpp).
#pragma once

#include <latchkey/storage.h>

#include <memory>
#include <string>

#include "provider/checked_library.hpp"
#include "provider/loaded_plugin.hpp"

namespace latchkey::provider {

// A storage plugin that passed every check and is mapped into the process.
using LoadedStoragePlugin = LoadedPlugin<latchkey_storage>;

// Runs every check on `path`, loads it and checks its descriptor (storage ABI
// major, struct_size, name, the required functions). Throws a plugin error
// naming the file and the reason.
std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(const std::string& path);
// The same for a library load_checked() already checked and mapped.
std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(CheckedLibrary checked);

}  // namespace latchkey::provider
