// Where plugins are looked for, and finding one by name.
//
// Search order, first hit wins: --plugin-dir, LATCHKEY_PLUGIN_PATH, the
// policy's [host] plugin_dirs, the user dir, the install dir, the build tree.
// A provider NAME lives in NAME.so, so finding the one a site needs loads
// exactly one library; only listing loads them all. Storage plugins
// (latchkey/storage.h) share the search path and the NAME.so rule; the entry
// point a library exports tells which kind it is.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "provider/checked_library.hpp"
#include "provider/loaded_provider.hpp"

struct latchkey_storage;
namespace latchkey::storage {
using LoadedStoragePlugin = provider::LoadedPlugin<latchkey_storage>;
}

namespace latchkey::provider {

struct SearchDir {
    std::string path;
    std::string origin;  // "--plugin-dir", "LATCHKEY_PLUGIN_PATH", "[host] plugin_dirs", ...
};

// One entry of a full listing: a loaded provider or storage plugin, or why a
// file was refused.
struct ListedPlugin {
    std::string path;
    PluginKind kind = PluginKind::provider;                 // provider when refused
    std::shared_ptr<LoadedProvider> provider;               // set for a loaded provider
    std::shared_ptr<storage::LoadedStoragePlugin> storage;  // set for a loaded storage plugin
    std::string declared_name;                              // the descriptor's name, when it loaded
    std::string refusal;
    bool refused() const { return !refusal.empty(); }
    std::string shadowed_by;  // set when an earlier file provides the same name (and kind)
};

class Catalog {
 public:
    explicit Catalog(std::vector<SearchDir> dirs);

    const std::vector<SearchDir>& dirs() const { return dirs_; }

    // Loads (once) and returns the provider NAME. Throws a plugin error that
    // names the file and reason, or lists the directories searched. With
    // `sha256` the file must have that digest (pinned_file.hpp).
    std::shared_ptr<LoadedProvider> get(const std::string& name, const std::string& sha256 = {});
    // The file NAME.so that get() would load first, without loading it (a
    // site whose provider runs in a helper process). Throws the same
    // not-found error as get().
    std::string file_of(const std::string& name) const;
    // Files named NAME.so that a later directory also holds (shadowed ones).
    std::vector<std::string> shadowed(const std::string& name) const;
    // Loads (once) and returns the storage plugin NAME: NAME.so exporting
    // latchkey_storage_v1. Null when no file on the search path provides it
    // (`available` then receives the storage plugins that are there); throws
    // a plugin error naming the file when one is found but refused.
    std::shared_ptr<storage::LoadedStoragePlugin> get_storage(
        const std::string& name, std::vector<std::string>* available = nullptr);
    // Loads every candidate file; refusals are reported, not thrown.
    std::vector<ListedPlugin> list_all();

 private:
    std::vector<std::string> candidate_files() const;
    std::shared_ptr<LoadedProvider> load_cached(const std::string& path,
                                                const std::string& sha256 = {});
    [[noreturn]] void not_found(const std::string& name,
                                const std::vector<std::string>& names) const;
    std::shared_ptr<storage::LoadedStoragePlugin> load_storage_cached(const std::string& path);
    // Either kind, for listing.
    void load_any_cached(ListedPlugin& item);

    std::vector<SearchDir> dirs_;
    std::mutex mu_;
    std::map<std::string, std::shared_ptr<LoadedProvider>> by_path_;
    // Pinned loads, by path and digest: a pin is checked on its own load.
    std::map<std::pair<std::string, std::string>, std::shared_ptr<LoadedProvider>> pinned_;
    std::map<std::string, std::shared_ptr<storage::LoadedStoragePlugin>> storage_by_path_;
};

// The default search path for this process (see the header comment).
std::vector<SearchDir> default_search_path(const std::vector<std::string>& flag_dirs,
                                           const std::vector<std::string>& policy_dirs);

}  // namespace latchkey::provider
