// The checks every plugin library passes before and while it is mapped,
// whatever it provides (a provider or storage): a regular file, judged at its
// real path in its real directory, neither writable by group/other nor owned
// by another user, an ELF shared object whose symbol table (when it has one)
// names an accepted entry point; then loaded with RTLD_LOCAL | RTLD_NOW.
// Providers (loaded_provider.cpp) and storage plugins
// (storage/plugin_storage.cpp) both load through here, then check their own
// descriptor with the helpers below.
#pragma once

#include <latchkey/provider.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "policy/option_spec.hpp"

namespace latchkey::provider {

// What a plugin library provides, told by the entry point it exports.
enum class PluginKind { provider, storage };

const char* entry_point(PluginKind kind);  // "latchkey_provider_v1", "latchkey_storage_v1"
const char* kind_name(PluginKind kind);    // "provider", "storage plugin"

// Throws Error(plugin): "plugin PATH refused: WHY".
[[noreturn]] void refuse(const std::string& path, const std::string& why);

// A library that passed every check and is mapped.
struct CheckedLibrary {
    std::string path;  // as it was given; messages name it
    boost::dll::shared_library lib;
    PluginKind kind = PluginKind::provider;  // whose entry point it exports
};

// Runs every check on `path` and loads it. `accepted` are the kinds the
// caller wants, first match wins; a library exporting none of their entry
// points is refused (naming the kind it is, when it is another). Throws a
// plugin error naming the file and the reason; never crashes on a bad file.
// With `sha256` (hex) the file's digest must match before it is mapped
// (plugin/pinned_file.hpp).
CheckedLibrary load_checked(const std::string& path, std::initializer_list<PluginKind> accepted,
                            const std::string& sha256 = {});

// Refuses a descriptor built for another ABI major, or one smaller than the
// first published version (`v1_0_size`). `abi` names the ABI ("provider").
void check_descriptor_version(const std::string& path, const char* abi, uint16_t abi_major,
                              uint16_t abi_minor, uint32_t struct_size, uint16_t host_major,
                              uint16_t host_minor, size_t v1_0_size);

// A plugin's option schema; refuses unknown types, keys declared twice, and
// keys in `reserved` (the host's own).
std::vector<policy::OptionSpec> read_schema(const std::string& path, const latchkey_option* options,
                                            const std::vector<policy::OptionSpec>& reserved);

}  // namespace latchkey::provider
