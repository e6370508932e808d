// `latchkey providers list|show NAME`: provider plugins, and the storage
// plugins found on the same search path.
#include <iostream>

#include "command.hpp"
#include "policy/option_spec.hpp"
#include "storage/plugin_storage.hpp"

namespace latchkey::cli {

namespace {

// An option schema as a JSON array under "options" (providers and storage plugins alike).
void write_schema_json(Json& j, const std::vector<policy::OptionSpec>& schema) {
    auto& w = j.w();
    w.StartArray();
    for (auto& o : schema) {
        w.StartObject();
        j.key_string("key", o.key);
        j.key_string("type", policy::type_name(o.type));
        j.key_bool("required", o.required);
        j.key_bool("secret", o.secret);
        j.key_bool("identity", o.identity);
        if (o.default_value) j.key_string("default", *o.default_value);
        j.key_string("doc", o.doc);
        w.EndObject();
    }
    w.EndArray();
}

// An option schema as an indented table.
void print_schema(const std::vector<policy::OptionSpec>& schema) {
    std::vector<std::vector<std::string>> rows{
        {"  KEY", "TYPE", "FLAGS", "DEFAULT", "DESCRIPTION"}};
    for (auto& o : schema) {
        std::string flags;
        if (o.required) flags += "required ";
        if (o.secret) flags += "secret ";
        if (o.identity) flags += "identity";
        rows.push_back({"  " + o.key, policy::type_name(o.type), flags.empty() ? "-" : flags,
                        o.default_value ? *o.default_value : "-", o.doc});
    }
    print_table(rows);
}

using provider::PluginKind;

const char* text(const char* s) { return s ? s : ""; }

// Listing works without a policy: the search path comes from flags,
// LATCHKEY_PLUGIN_PATH and the policy only when one exists.
provider::Catalog catalog_for(Context& ctx) {
    std::vector<std::string> policy_dirs;
    try {
        policy_dirs = ctx.host().policy().plugin_dirs;
    } catch (const Error&) {
        // A broken policy must not hide the plugins; `config check` reports it.
    }
    return provider::Catalog(provider::default_search_path(ctx.host_options.plugin_dirs, policy_dirs));
}

int list(Context& ctx) {
    po::options_description desc("providers list");
    po::variables_map vm;
    if (!parse_command_options(ctx, "providers list", "providers list", desc, vm)) return 0;
    auto catalog = catalog_for(ctx);
    auto items = catalog.list_all();
    if (ctx.format == Format::json) {
        Json j;
        auto& w = j.w();
        w.StartObject();
        w.Key("search_path");
        w.StartArray();
        for (auto& d : catalog.dirs()) {
            w.StartObject();
            j.key_string("path", d.path);
            j.key_string("origin", d.origin);
            w.EndObject();
        }
        w.EndArray();
        w.Key("providers");
        w.StartArray();
        for (auto& i : items) {
            if (i.refused() || i.kind != PluginKind::provider) continue;
            w.StartObject();
            j.key_string("name", i.provider->name());
            j.key_string("version",
                         i.provider->descriptor().version ? i.provider->descriptor().version : "");
            j.key_string("description", i.provider->descriptor().description
                                            ? i.provider->descriptor().description
                                            : "");
            j.key_string("path", i.path);
            if (!i.shadowed_by.empty()) j.key_string("shadowed_by", i.shadowed_by);
            w.EndObject();
        }
        w.EndArray();
        w.Key("storage_plugins");
        w.StartArray();
        for (auto& i : items) {
            if (i.refused() || i.kind != PluginKind::storage) continue;
            auto& d = i.storage->descriptor();
            w.StartObject();
            j.key_string("name", i.storage->name());
            j.key_string("version", text(d.version));
            j.key_string("description", text(d.description));
            j.key_string("path", i.path);
            if (!i.shadowed_by.empty()) j.key_string("shadowed_by", i.shadowed_by);
            w.EndObject();
        }
        w.EndArray();
        w.Key("refused");
        w.StartArray();
        for (auto& i : items) {
            if (!i.refused()) continue;
            w.StartObject();
            j.key_string("path", i.path);
            j.key_string("reason", i.refusal);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        j.print();
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"NAME", "VERSION", "DESCRIPTION"}};
    for (auto& i : items) {
        if (i.refused() || !i.shadowed_by.empty() || i.kind != PluginKind::provider) continue;
        auto& d = i.provider->descriptor();
        rows.push_back(
            {i.provider->name(), d.version ? d.version : "", d.description ? d.description : ""});
    }
    if (rows.size() == 1)
        std::cout << "no provider plugins found\n";
    else
        print_table(rows);
    // Storage plugins ([storage] backend = "NAME") live on the same path.
    std::vector<std::vector<std::string>> storage_rows{{"  NAME", "VERSION", "DESCRIPTION"}};
    for (auto& i : items) {
        if (i.refused() || !i.shadowed_by.empty() || i.kind != PluginKind::storage) continue;
        auto& d = i.storage->descriptor();
        storage_rows.push_back({"  " + i.storage->name(), text(d.version), text(d.description)});
    }
    if (storage_rows.size() > 1) {
        std::cout << "\nstorage plugins:\n";
        print_table(storage_rows);
    }
    for (auto& i : items) {
        if (!i.shadowed_by.empty())
            std::cout << "shadowed: " << display(i.path) << " (" << provider::kind_name(i.kind)
                      << " " << display(i.declared_name) << " is served by "
                      << display(i.shadowed_by) << ")\n";
        if (i.refused()) std::cout << "refused: " << display(i.refusal) << "\n";
    }
    if (ctx.host_options.log_level <= LogLevel::info) {
        std::cout << "\nsearch path:\n";
        for (auto& d : catalog.dirs())
            std::cout << "  " << display(d.path) << "  (" << display(d.origin) << ")\n";
    }
    return 0;
}

// `providers show NAME` for a storage plugin: how to use it and its options.
int show_storage(Context& ctx, const storage::LoadedStoragePlugin& p) {
    auto& d = p.descriptor();
    if (ctx.format == Format::json) {
        Json j;
        auto& w = j.w();
        w.StartObject();
        j.key_string("name", p.name());
        j.key_string("kind", "storage");
        j.key_string("version", text(d.version));
        j.key_string("description", text(d.description));
        j.key_string("path", p.path());
        j.key_string("abi", std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor));
        w.Key("options");
        write_schema_json(j, p.schema());
        w.EndObject();
        j.print();
        return 0;
    }
    std::cout << display(p.name()) << " " << display(text(d.version)) << " - "
              << display(text(d.description)) << "\n"
              << "storage plugin, file: " << display(p.path()) << "\n"
              << "storage ABI " << d.abi_major << "." << d.abi_minor << "\n"
              << "use it with [storage] backend = \"" << display(p.name())
              << "\" (or a site's storage = \"" << display(p.name()) << "\")\n\noptions, in [storage."
              << display(p.name()) << "] or " << display(storage::env_prefix_for(p.name()))
              << "KEY:\n";
    print_schema(p.schema());
    return 0;
}

int show(Context& ctx) {
    po::options_description desc("providers show");
    desc.add_options()("name", po::value<std::string>(), "provider name");
    po::positional_options_description pos;
    pos.add("name", 1);
    po::variables_map vm;
    if (!parse_command_options(ctx, "providers show", "providers show NAME", desc, vm, &pos))
        return 0;
    if (!vm.count("name"))
        throw Error(ErrorKind::usage,
                    "providers show: which provider? (see `latchkey providers list`)");
    auto catalog = catalog_for(ctx);
    std::string name = vm["name"].as<std::string>();
    std::shared_ptr<provider::LoadedProvider> p;
    try {
        p = catalog.get(name);
    } catch (const Error&) {
        // Perhaps a storage plugin of that name; if not, the provider error stands.
        std::shared_ptr<storage::LoadedStoragePlugin> sp;
        try {
            sp = catalog.get_storage(name);
        } catch (const Error&) {
        }
        if (!sp) throw;
        return show_storage(ctx, *sp);
    }
    auto& d = p->descriptor();
    if (ctx.format == Format::json) {
        Json j;
        auto& w = j.w();
        w.StartObject();
        j.key_string("name", p->name());
        j.key_string("version", d.version ? d.version : "");
        j.key_string("description", d.description ? d.description : "");
        j.key_string("path", p->path());
        j.key_string("abi", std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor));
        j.key_bool("refresh", d.refresh != nullptr);
        w.Key("options");
        write_schema_json(j, p->schema());
        w.EndObject();
        j.print();
        return 0;
    }
    std::cout << display(p->name()) << " " << display(text(d.version)) << " - "
              << display(text(d.description)) << "\n"
              << "file: " << display(p->path()) << "\n"
              << "ABI " << d.abi_major << "." << d.abi_minor
              << (d.refresh ? ", refreshes" : ", acquires again instead of refreshing")
              << "\n\noptions:\n";
    print_schema(p->schema());
    std::cout << "\nevery site also takes: ";
    for (auto& h : policy::host_site_options()) std::cout << h.key << " ";
    std::cout << std::endl;
    return 0;
}

}  // namespace

std::vector<Command> provider_commands() {
    return {{"providers list", "list provider and storage plugins on the search path", list},
            {"providers show", "show a provider's (or storage plugin's) options", show}};
}

}  // namespace latchkey::cli
