#include "storage/storage_registry.hpp"

#include "storage/plugin_storage.hpp"
#include "util/home_path.hpp"
#include "util/strings.hpp"

namespace latchkey::storage {

std::string StorageRegistry::file_dir() const {
    if (policy_.storage_path) return util::expand_home(*policy_.storage_path);
    return default_file_store_dir();
}

void StorageRegistry::unknown_backend(const std::string& backend, const std::string& at,
                                      const std::vector<std::string>& plugins) {
    std::vector<std::string> names;
    for (auto& x : builtin_backends()) names.push_back(x.name);
    std::string near = util::nearest(backend, names);
    if (near.empty()) near = util::nearest(backend, plugins);
    std::vector<std::string> searched;
    for (auto& d : catalog_.dirs()) searched.push_back(d.path + " (" + d.origin + ")");
    throw Error(
        ErrorKind::config,
        at + "storage: unknown backend '" + backend + "'" +
            (near.empty() ? "" : "; did you mean '" + near + "'?") +
            " (built in: " + util::join(names, ", ") + ")" +
            (plugins.empty() ? "" : " (storage plugins: " + util::join(plugins, ", ") + ")") +
            "; and no storage plugin " + backend + ".so in: " + util::join(searched, ", ") +
            ". See `latchkey providers list`.");
}

Storage& StorageRegistry::open(const std::string& backend, const std::string& where) {
    std::lock_guard lock(mu_);
    auto& s = open_[backend];
    if (s) return *s;
    std::string at = where.empty() ? "" : where + ": ";
    const Backend* b = find_builtin(backend);
    // Not built in: a storage plugin, NAME.so on the plugin search path.
    std::shared_ptr<LoadedStoragePlugin> plugin;
    if (!b) {
        std::vector<std::string> plugins;
        try {
            plugin = catalog_.get_storage(backend, &plugins);
        } catch (const Error& e) {
            throw Error(e, at + "storage backend '" + backend + "': " + e.what());
        }
        if (!plugin) unknown_backend(backend, at, plugins);
    }
    const toml::table* table = nullptr;
    if (policy_.storage_table)
        if (auto* n = policy_.storage_table->get(backend)) table = n->as_table();
    OpenRequest req;
    req.backend = backend;
    // The backend's options plus the sealing keys, which [storage.NAME] may
    // set for this backend alone (sealed_storage.hpp).
    auto schema = b ? b->schema : plugin->schema();
    for (auto& spec : sealing_option_schema()) schema.push_back(spec);
    std::string where_options = "[storage." + backend + "]";
    req.options = resolver_.resolve_table(table, where_options, env_prefix_for(backend), schema);
    for (auto& secret : policy::secret_texts(req.options)) services_.redactor.add(secret);
    SealingKeys keys = take_sealing_keys(req.options, where_options);
    if (!keys.key.set && keys.previous.set)
        throw policy::config_error(
            keys.previous.source + ": " + where_options +
                " previous_encryption_keys needs an encryption_key beside it",
            keys.previous.pos);
    if (!keys.key.set) keys = storage_wide_sealing_keys();
    req.file_dir = file_dir();
    req.warn = [this](const std::string& m) { services_.log(LogLevel::warn, m); };
    if (b) {
        s = b->open(req);
        // Process memory needs no sealing; everything else may be read by others.
        if (backend != "memory") s = std::make_unique<SealedStorage>(std::move(s), std::move(keys));
        return *s;
    }
    PluginServices ps;
    ps.warn = req.warn;
    ps.log = [this](latchkey_log_level l, const std::string& m) {
        services_.log(static_cast<LogLevel>(l), m);
    };
    ps.redactor = &services_.redactor;
    try {
        s = open_plugin_storage(plugin, std::move(req.options), std::move(ps));
    } catch (const Error& e) {
        throw Error(e, at + e.what());
    }
    s = std::make_unique<SealedStorage>(std::move(s), std::move(keys));
    return *s;
}

SealingKeys StorageRegistry::storage_wide_sealing_keys() {
    auto options = resolver_.resolve_keys(policy_.storage_table, "[storage]", "LATCHKEY_STORAGE_",
                                          sealing_option_schema());
    for (auto& secret : policy::secret_texts(options)) services_.redactor.add(secret);
    return take_sealing_keys(options, "[storage]");
}

}  // namespace latchkey::storage
