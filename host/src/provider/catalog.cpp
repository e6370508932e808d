#include "provider/catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "latchkey/error.hpp"
#include "storage/plugin_storage.hpp"
#include "util/lib_dir.hpp"
#include "util/strings.hpp"

namespace latchkey::provider {

namespace fs = std::filesystem;

namespace {

std::string expand_home(const std::string& p) {
    if (p.rfind("~/", 0) == 0)
        if (const char* home = std::getenv("HOME")) return home + p.substr(1);
    return p;
}

bool is_plugin_file(const fs::directory_entry& e) {
    return e.path().extension() == ".so" && (e.is_regular_file() || e.is_symlink());
}

}  // namespace

std::vector<SearchDir> default_search_path(const std::vector<std::string>& flag_dirs,
                                           const std::vector<std::string>& policy_dirs) {
    std::vector<SearchDir> out;
    for (auto& d : flag_dirs) out.push_back({expand_home(d), "--plugin-dir"});
    if (const char* env = std::getenv("LATCHKEY_PLUGIN_PATH"))
        for (auto& d : util::split(env, ":"))
            out.push_back({expand_home(d), "LATCHKEY_PLUGIN_PATH"});
    for (auto& d : policy_dirs) out.push_back({expand_home(d), "[host] plugin_dirs"});
    if (const char* home = std::getenv("HOME"))
        out.push_back({std::string(home) + "/.local/lib/latchkey/providers", "user dir"});
    // LIBDIR/latchkey/providers: the install dir once installed, the build
    // tree's provider dir in the build tree. The configured absolute paths
    // are only fallbacks (a program copied elsewhere), so an installed
    // latchkey never searches the tree it was built in.
    if (auto lib = util::lib_dir()) {
        out.push_back({*lib + "/latchkey/providers", "install dir"});
    } else {
        out.push_back({LATCHKEY_INSTALL_PROVIDER_DIR, "install dir"});
#ifdef LATCHKEY_BUILD_PROVIDER_DIR
        out.push_back({LATCHKEY_BUILD_PROVIDER_DIR, "build tree"});
#endif
    }
    // The same directory reached twice is searched once. Each path is
    // resolved once (a readlink per component): this runs at every start.
    std::vector<SearchDir> unique;
    std::vector<std::string> seen;
    std::error_code ec;
    for (auto& d : out) {
        std::string canon = fs::weakly_canonical(d.path, ec).string();
        if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
        seen.push_back(canon);
        unique.push_back(d);
    }
    return unique;
}

Catalog::Catalog(std::vector<SearchDir> dirs) : dirs_(std::move(dirs)) {}

std::shared_ptr<LoadedProvider> Catalog::load_cached(const std::string& path,
                                                     const std::string& sha256) {
    std::lock_guard lock(mu_);
    if (!sha256.empty()) {
        auto key = std::pair(path, util::to_lower(sha256));
        auto it = pinned_.find(key);
        if (it != pinned_.end()) return it->second;
        auto p = load_provider(path, sha256);
        pinned_[key] = p;
        return p;
    }
    auto it = by_path_.find(path);
    if (it != by_path_.end()) return it->second;
    auto p = load_provider(path);
    by_path_[path] = p;
    return p;
}

std::shared_ptr<storage::LoadedStoragePlugin> Catalog::load_storage_cached(
    const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = storage_by_path_.find(path);
    if (it != storage_by_path_.end()) return it->second;
    auto p = storage::load_storage_plugin(path);
    storage_by_path_[path] = p;
    return p;
}

void Catalog::load_any_cached(ListedPlugin& item) {
    std::lock_guard lock(mu_);
    if (auto it = by_path_.find(item.path); it != by_path_.end()) {
        item.provider = it->second;
        return;
    }
    if (auto it = storage_by_path_.find(item.path); it != storage_by_path_.end()) {
        item.kind = PluginKind::storage;
        item.storage = it->second;
        return;
    }
    auto checked = load_checked(item.path, {PluginKind::provider, PluginKind::storage});
    if (checked.kind == PluginKind::storage) {
        item.kind = PluginKind::storage;
        item.storage = storage::load_storage_plugin(std::move(checked));
        storage_by_path_[item.path] = item.storage;
    } else {
        item.provider = load_provider(std::move(checked));
        by_path_[item.path] = item.provider;
    }
}

std::vector<std::string> Catalog::candidate_files() const {
    std::vector<std::string> out;
    for (auto& d : dirs_) {
        std::error_code ec;
        std::vector<std::string> here;
        for (auto& e : fs::directory_iterator(d.path, ec))
            if (is_plugin_file(e)) here.push_back(e.path().string());
        std::sort(here.begin(), here.end());
        out.insert(out.end(), here.begin(), here.end());
    }
    return out;
}

std::vector<std::string> Catalog::shadowed(const std::string& name) const {
    std::vector<std::string> hits;
    for (auto& d : dirs_) {
        std::error_code ec;
        fs::path f = fs::path(d.path) / (name + ".so");
        if (fs::exists(f, ec)) hits.push_back(f.string());
    }
    if (!hits.empty()) hits.erase(hits.begin());
    return hits;
}

std::string Catalog::file_of(const std::string& name) const {
    for (auto& d : dirs_) {
        std::error_code ec;
        fs::path f = fs::path(d.path) / (name + ".so");
        if (fs::exists(f, ec)) return f.string();
    }
    not_found(name, {});
}

void Catalog::not_found(const std::string& name, const std::vector<std::string>& names) const {
    std::vector<std::string> searched;
    for (auto& d : dirs_) searched.push_back(d.path + " (" + d.origin + ")");
    std::string near = util::nearest(name, names);
    throw Error(ErrorKind::plugin, "no provider plugin named '" + name + "'" +
                                       (near.empty() ? "" : "; did you mean '" + near + "'?") +
                                       " Searched: " + util::join(searched, ", ") +
                                       ". See `latchkey providers list`.");
}

std::shared_ptr<LoadedProvider> Catalog::get(const std::string& name, const std::string& sha256) {
    // Fast path: NAME.so, first directory that has it.
    for (auto& d : dirs_) {
        std::error_code ec;
        fs::path f = fs::path(d.path) / (name + ".so");
        if (!fs::exists(f, ec)) continue;
        auto p = load_cached(f.string(), sha256);
        if (p->name() != name)
            throw Error(ErrorKind::plugin,
                        "plugin " + f.string() + " refused: it declares provider '" + p->name() +
                            "', but a file named " + name + ".so must provide '" + name + "'");
        return p;
    }
    // Slow path: a plugin not named after its provider. Scan everything, and
    // refuse an ambiguous name rather than pick one by accident. Scanning
    // loads every file, so a pinned provider is only ever looked up as NAME.so.
    if (!sha256.empty()) not_found(name, {});
    std::shared_ptr<LoadedProvider> found;
    std::vector<std::string> names;
    for (auto& item : list_all()) {
        if (item.declared_name.empty() || item.kind != PluginKind::provider) continue;
        names.push_back(item.declared_name);
        if (item.declared_name != name) continue;
        if (item.refused()) throw Error(ErrorKind::plugin, item.refusal);  // ambiguous
        if (!found) found = item.provider;
    }
    if (found) return found;
    not_found(name, names);
}

std::shared_ptr<storage::LoadedStoragePlugin> Catalog::get_storage(
    const std::string& name, std::vector<std::string>* available) {
    // Fast path: NAME.so, first directory that has it.
    for (auto& d : dirs_) {
        std::error_code ec;
        fs::path f = fs::path(d.path) / (name + ".so");
        if (!fs::exists(f, ec)) continue;
        auto p = load_storage_cached(f.string());
        if (p->name() != name)
            throw Error(ErrorKind::plugin, "plugin " + f.string() +
                                               " refused: it declares storage plugin '" +
                                               p->name() + "', but a file named " + name +
                                               ".so must provide '" + name + "'");
        return p;
    }
    // Slow path: a storage plugin not named after its file.
    std::shared_ptr<storage::LoadedStoragePlugin> found;
    for (auto& item : list_all()) {
        if (item.declared_name.empty() || item.kind != PluginKind::storage) continue;
        if (available) available->push_back(item.declared_name);
        if (item.declared_name != name) continue;
        if (item.refused()) throw Error(ErrorKind::plugin, item.refusal);  // ambiguous
        if (!found) found = item.storage;
    }
    return found;
}

std::vector<ListedPlugin> Catalog::list_all() {
    std::vector<ListedPlugin> out;
    std::map<std::pair<PluginKind, std::string>, size_t> first_by_name;
    for (auto& path : candidate_files()) {
        ListedPlugin item;
        item.path = path;
        try {
            load_any_cached(item);
        } catch (const Error& e) {
            item.refusal = e.what();
        }
        if (item.provider || item.storage) {
            item.declared_name = item.provider ? item.provider->name() : item.storage->name();
            auto [it, inserted] =
                first_by_name.emplace(std::pair(item.kind, item.declared_name), out.size());
            if (!inserted) {
                const ListedPlugin& first = out[it->second];
                bool same_dir = fs::path(first.path).parent_path() == fs::path(path).parent_path();
                if (same_dir) {
                    item.refusal = "plugin " + path + " refused: " + kind_name(item.kind) + " '" +
                                   item.declared_name + "' is also declared by " + first.path +
                                   "; remove one of them";
                    item.provider.reset();
                    item.storage.reset();
                } else {
                    item.shadowed_by = first.path;
                }
            }
        }
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace latchkey::provider
