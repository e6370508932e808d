// Storage plugins (sdk/include/latchkey/storage.h): application-provided
// storage, loaded like a provider (NAME.so on the plugin search path, every
// check of plugin/checked_library.hpp) and adapted to the Storage interface.
// Credentials cross the boundary as documents, the to_json text of
// record_json.hpp; a document that does not read back as a credential is
// reported and treated as absent. Every text a plugin hands back (errors,
// locations) is cleaned and redacted before anyone sees it.
#pragma once

#include <latchkey/storage.h>

#include <boost/dll/shared_library.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "provider/checked_library.hpp"
#include "provider/loaded_plugin.hpp"
#include "policy/option_spec.hpp"
#include "storage/storage.hpp"

namespace latchkey::util {
class Redactor;
}

namespace latchkey::storage {

// A storage plugin that passed every check and is mapped into the process.
using LoadedStoragePlugin = provider::LoadedPlugin<latchkey_storage>;

// Runs every check on `path`, loads it and checks its descriptor (storage ABI
// major, struct_size, name, the required functions, the option schema).
// Throws a plugin error naming the file and the reason.
std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(const std::string& path);
// The same for a library provider::load_checked() already checked and mapped.
std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(provider::CheckedLibrary checked);

// What an open storage plugin reports through.
struct PluginServices {
    // Recoverable problems: a corrupt entry, keys that are not keys.
    Warn warn;
    // The plugin's own log() calls; null: warnings and errors go to `warn`.
    std::function<void(latchkey_log_level, const std::string&)> log;
    // Every message passes through it, and the tokens of documents read or
    // written are added to it. May be null (the adapter still redacts the
    // options marked secret and the document at hand).
    util::Redactor* redactor = nullptr;
};

// Opens an instance of `plugin` with its resolved [storage.NAME] options.
// Throws Error(storage), or Error(config) when the plugin says its options
// are wrong, naming the backend, the file and the next step.
std::unique_ptr<Storage> open_plugin_storage(std::shared_ptr<LoadedStoragePlugin> plugin,
                                             Options options, PluginServices services);

// The environment prefix of a backend's options: LATCHKEY_ + NAME upper-cased
// with '-' as '_' ("directory-storage" -> "LATCHKEY_DIRECTORY_STORAGE_").
std::string env_prefix_for(const std::string& backend);

}  // namespace latchkey::storage
