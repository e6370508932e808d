// Admin::plugins and Admin::plugin: provider and storage plugins on the
// search path, as plain values.
#include "admin/parts.hpp"
#include "provider/catalog.hpp"
#include "storage/plugin_storage.hpp"

namespace latchkey::admin {

namespace {

const char* text(const char* s) { return s ? s : ""; }

std::vector<OptionInfo> options_of(const std::vector<policy::OptionSpec>& schema) {
    std::vector<OptionInfo> out;
    for (auto& o : schema)
        out.push_back({o.key, policy::type_name(o.type), o.required, o.secret, o.identity,
                       o.default_value, o.doc});
    return out;
}

// What both kinds of plugin have: names, file, version, description, ABI.
template <class Plugin>
PluginInfo info_of(const Plugin& plugin, PluginInfo::Kind kind) {
    auto& d = plugin.descriptor();
    PluginInfo p;
    p.kind = kind;
    p.name = p.declared_name = plugin.name();
    p.path = plugin.path();
    p.version = text(d.version);
    p.description = text(d.description);
    p.abi = std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor);
    return p;
}

PluginInfo provider_info(const provider::LoadedProvider& lp) {
    PluginInfo p = info_of(lp, PluginInfo::Kind::provider);
    p.refreshes = lp.descriptor().refresh != nullptr;
    return p;
}

PluginInfo storage_info(const storage::LoadedStoragePlugin& sp) {
    PluginInfo p = info_of(sp, PluginInfo::Kind::storage);
    p.env_prefix = storage::env_prefix_for(sp.name());
    return p;
}

// Listing works without a policy: the search path comes from the options,
// LATCHKEY_PLUGIN_PATH, and the policy only when it loads.
provider::Catalog catalog_for(Admin::Parts& parts) {
    std::vector<std::string> policy_dirs;
    try {
        policy_dirs = parts.host().policy().plugin_dirs;
    } catch (const Error&) {
        // A broken policy must not hide the plugins; `config check` reports it.
    }
    return provider::Catalog(provider::default_search_path(parts.options.plugin_dirs, policy_dirs));
}

}  // namespace

PluginList Admin::plugins() {
    auto catalog = catalog_for(*parts_);
    PluginList out;
    for (auto& d : catalog.dirs()) out.search_path.push_back({d.path, d.origin});
    for (auto& i : catalog.list_all()) {
        PluginInfo p;
        if (i.provider && !i.refused())
            p = provider_info(*i.provider);
        else if (i.storage && !i.refused())
            p = storage_info(*i.storage);
        p.kind = i.kind == provider::PluginKind::storage ? PluginInfo::Kind::storage
                                                       : PluginInfo::Kind::provider;
        p.declared_name = i.declared_name;
        p.path = i.path;
        p.shadowed_by = i.shadowed_by;
        p.refusal = i.refusal;
        out.plugins.push_back(std::move(p));
    }
    return out;
}

PluginInfo Admin::plugin(const std::string& name) {
    auto catalog = catalog_for(*parts_);
    try {
        auto lp = catalog.get(name);
        PluginInfo p = provider_info(*lp);
        p.options = options_of(lp->schema());
        return p;
    } catch (const Error&) {
        // Perhaps a storage plugin of that name; if not, the provider error stands.
        std::shared_ptr<storage::LoadedStoragePlugin> sp;
        try {
            sp = catalog.get_storage(name);
        } catch (const Error&) {
        }
        if (!sp) throw;
        PluginInfo p = storage_info(*sp);
        p.options = options_of(sp->schema());
        return p;
    }
}

}  // namespace latchkey::admin
